// The window, the tray and the notifications around the hosted gateway. Every decision (what may load,
// which sender to answer, what the badge says) is made by the plain-Node modules next door; this file
// only draws it with Electron.
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  Menu,
  type MenuItemConstructorOptions,
  Notification,
  nativeImage,
  type Session,
  shell,
  Tray,
  type WebContents,
} from 'electron';
import type { Logger } from '../../../proxy-core/src/logger';
import { gatewayOriginArg, IPC } from '../ipc-contract';
import { type ApprovalNotice, pendingLabel } from '../pending-approvals';
import { approvalsUrl, navigationDecision, permissionAllowed } from '../window-policy';

export interface ShellOptions {
  /** The hosted gateway's URL: the IDE the window shows. */
  url: string;
  origin: string;
  /** Origins the window may navigate to (the gateway, the IdP's sign-in). */
  allowed: readonly string[];
  title: string;
  logger: Logger;
  /** Demo only: the psql command for an agent, copied from the tray menu. */
  agentCommand?: () => Promise<string | undefined>;
}

const asset = (name: string) => fileURLToPath(new URL(`../assets/${name}`, import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

export class DesktopShell {
  private window: BrowserWindow | undefined;
  private tray: Tray | undefined;
  private count = 0;
  /** Notifications are kept referenced until dismissed, or their click handler may be collected. */
  private readonly notices = new Set<Notification>();
  private readonly icons = {
    idle: nativeImage.createFromPath(asset(process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')),
    pending: nativeImage.createFromPath(asset('tray-pending.png')),
    badge: nativeImage.createFromPath(asset('badge.png')),
    app: nativeImage.createFromPath(asset('icon.png')),
  };

  constructor(private readonly opts: ShellOptions) {
    if (process.platform === 'darwin') this.icons.idle.setTemplateImage(true);
  }

  /** Web permissions for the window's session: refuse what the IDE does not need. */
  hardenSession(session: Session): void {
    session.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(permissionAllowed(permission, details.requestingUrl, this.opts.origin)),
    );
    session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
      permissionAllowed(permission, requestingOrigin, this.opts.origin),
    );
  }

  /** Shows the window (creating it if needed), optionally on another URL of the IDE. */
  show(url?: string): void {
    const win = this.window ?? this.createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    if (url) void win.loadURL(url);
  }

  createTray(): void {
    this.tray = new Tray(this.icons.idle);
    this.tray.on('click', () => this.show());
    this.drawCount();
  }

  /** Badge, tooltip, menu and the page's own counter. */
  setPendingCount(count: number): void {
    this.count = count;
    this.drawCount();
    this.window?.webContents.send(IPC.pendingApprovalsChanged, count);
  }

  notify(notice: ApprovalNotice): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title: notice.title, body: notice.body, icon: this.icons.app });
    const forget = () => this.notices.delete(n);
    n.on('click', () => {
      forget();
      this.show(approvalsUrl(this.opts.url));
    });
    n.on('close', forget);
    this.notices.add(n);
    n.show();
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
    for (const n of this.notices) n.close();
    this.notices.clear();
  }

  private createWindow(): BrowserWindow {
    const win = new BrowserWindow({
      title: this.opts.title,
      width: 1440,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      show: false,
      icon: this.icons.app,
      backgroundColor: '#1b2230',
      webPreferences: {
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        spellcheck: false,
        additionalArguments: [gatewayOriginArg(this.opts.origin)],
      },
    });
    this.window = win;
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      this.window = undefined;
    });
    this.guard(win.webContents);
    win.webContents.on('did-finish-load', () => win.webContents.send(IPC.pendingApprovalsChanged, this.count));
    if (process.platform === 'win32') this.drawOverlay();
    void win.loadURL(this.opts.url);
    return win;
  }

  /** Navigation stays on the gateway (and the IdP); other web links open in the OS browser. */
  private guard(contents: WebContents): void {
    const log = this.opts.logger;
    contents.on('will-frame-navigate', (event) => {
      const decision = navigationDecision(event.url, this.opts.allowed);
      if (decision === 'allow') return;
      event.preventDefault();
      if (decision === 'open-external' && event.isMainFrame) void shell.openExternal(event.url);
      else log.warn('navigation blocked', { url: event.url });
    });
    contents.on('will-redirect', (event) => {
      if (navigationDecision(event.url, this.opts.allowed) === 'allow') return;
      event.preventDefault();
      log.warn('redirect blocked', { url: event.url });
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (navigationDecision(url, this.opts.allowed) !== 'block') void shell.openExternal(url);
      else log.warn('window.open blocked', { url });
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  }

  private drawCount(): void {
    const label = pendingLabel(this.count);
    if (this.tray) {
      this.tray.setImage(this.count > 0 && process.platform !== 'darwin' ? this.icons.pending : this.icons.idle);
      this.tray.setToolTip(label);
      // macOS shows text next to the menu-bar icon; elsewhere the icon's dot and the tooltip carry it.
      if (process.platform === 'darwin') this.tray.setTitle(this.count > 0 ? String(this.count) : '');
      this.tray.setContextMenu(Menu.buildFromTemplate(this.menu()));
    }
    // The dock (macOS) and Unity-style launchers (Linux); a no-op where unsupported.
    app.setBadgeCount(this.count);
    if (process.platform === 'win32') this.drawOverlay();
  }

  private drawOverlay(): void {
    this.window?.setOverlayIcon(this.count > 0 ? this.icons.badge : null, pendingLabel(this.count));
  }

  private menu(): MenuItemConstructorOptions[] {
    const items: MenuItemConstructorOptions[] = [
      { label: 'Open Vigil', click: () => this.show() },
      {
        label: this.count > 0 ? `Approvals (${this.count} pending)` : 'Approvals',
        click: () => this.show(approvalsUrl(this.opts.url)),
      },
    ];
    const agentCommand = this.opts.agentCommand;
    if (agentCommand)
      items.push({
        label: 'Copy agent psql command (demo)',
        click: () => {
          agentCommand().then(
            (command) => command && clipboard.writeText(command),
            (err: unknown) => this.opts.logger.warn('could not mint a demo agent token', { err }),
          );
        },
      });
    items.push({ type: 'separator' }, { label: 'Quit Vigil', role: 'quit' });
    return items;
  }
}
