import { Icon, type IconName } from '../components/Icon';
import type { View } from './routes';

interface Item {
  href: string;
  label: string;
  icon: IconName;
  views: View[];
}

const ITEMS: Item[] = [
  { href: '#/sessions', label: 'Sessions', icon: 'sessions', views: ['sessions', 'session'] },
  { href: '#/live', label: 'Live sessions', icon: 'live', views: ['live'] },
  { href: '#/approvals', label: 'Approvals', icon: 'approvals', views: ['approvals'] },
  { href: '#/workbench', label: 'Workbench', icon: 'workbench', views: ['workbench'] },
  { href: '#/audit', label: 'Audit log', icon: 'audit', views: ['audit'] },
  { href: '#/packet', label: 'Evidence packet', icon: 'packet', views: ['packet', 'packet-session'] },
];

/** Without the gateway (not signed in) only the views that need no server. */
const OFFLINE_ITEMS = ITEMS.filter((item) => item.icon === 'packet');

export function ActivityBar({
  view,
  pendingCount,
  offline = false,
}: {
  view: View;
  pendingCount: number;
  offline?: boolean;
}) {
  return (
    <nav className="activity-bar" aria-label="Views">
      <div className="brand-mark small" title="Vigil" aria-hidden="true">
        V
      </div>
      {(offline ? OFFLINE_ITEMS : ITEMS).map((item) => {
        const active = item.views.includes(view);
        const badge = item.icon === 'approvals' && pendingCount > 0 ? pendingCount : null;
        return (
          <a
            key={item.href}
            href={item.href}
            className={active ? 'activity active' : 'activity'}
            aria-label={badge ? `${item.label} (${badge} pending)` : item.label}
            aria-current={active ? 'page' : undefined}
            title={item.label}
          >
            <Icon name={item.icon} size={22} />
            {badge !== null && <span className="activity-badge">{badge > 99 ? '99+' : badge}</span>}
          </a>
        );
      })}
    </nav>
  );
}
