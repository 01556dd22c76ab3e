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
];

export function ActivityBar({ view, pendingCount }: { view: View; pendingCount: number }) {
  return (
    <nav className="activity-bar" aria-label="Views">
      <div className="brand-mark small" title="Vigil" aria-hidden="true">
        V
      </div>
      {ITEMS.map((item) => {
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
