// The desktop app's main process: one instance per user, the gateway hosted in-process, the IDE in a
// window, approvals on the tray and as OS notifications, evidence saved through the native dialog.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, type IpcMainInvokeEvent, ipcMain, session } from 'electron';
import { createLogger, type Logger, type LogLevel } from '../../../proxy-core/src/logger';
import { appPaths } from '../app-paths';
import { type ApprovalFeed, followApprovals } from '../approval-feed';
import { saveEvidencePacket } from '../evidence-export';
import { demoAgentCommand, type HostedGateway, startHostedGateway } from '../gateway-host';
import { IPC, parseSaveEvidenceRequest, type SaveEvidenceResult } from '../ipc-contract';
import { resolveLaunch } from '../launch-options';
import { allowedOrigins, isTrustedSender, originOf } from '../window-policy';
import { DesktopShell } from './desktop-shell';

/** How long quitting waits for the gateway to seal its recordings before giving up. */
const STOP_TIMEOUT_MS = 15_000;

const paths = appPaths({ platform: process.platform, env: process.env, homedir: homedir() });
// Before `ready`: Chromium's profile (the IDE's sign-in cookie) lives with the app's data.
app.setName('Vigil');
app.setPath('userData', paths.root);
if (process.platform === 'win32') app.setAppUserModelId('dev.vigil.app');

if (app.requestSingleInstanceLock()) void run(openLog());
else app.quit();

function openLog(): Logger {
  mkdirSync(paths.logs, { recursive: true });
  const file = createWriteStream(join(paths.logs, 'vigil.log'), { flags: 'a' });
  return createLogger({
    level: (process.env.VIGIL_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    write: (line) => {
      file.write(line);
      process.stderr.write(line);
    },
  });
}

async function run(logger: Logger): Promise<void> {
  await app.whenReady();
  const launch = resolveLaunch({
    argv: process.argv,
    env: process.env,
    cwd: process.cwd(),
    userConfig: paths.userConfig,
    exists: existsSync,
  });
  logger.info('starting the gateway', { launch });
  let hosted: HostedGateway;
  try {
    hosted = await startHostedGateway({
      ...(launch.kind === 'config' ? { configPath: launch.configPath } : { demo: true }),
      dataDir: paths.demo,
      logger,
    });
  } catch (err) {
    logger.error('the gateway did not start', { err });
    dialog.showErrorBox('Vigil could not start its gateway', (err as Error).message);
    app.exit(1);
    return;
  }

  const origin = originOf(hosted.url) as string;
  const gateway = hosted.gateway;
  const shell = new DesktopShell({
    url: hosted.url,
    origin,
    allowed: allowedOrigins(hosted.url, gateway.config.auth.issuer),
    title: launch.kind === 'demo' ? 'Vigil (demo)' : 'Vigil',
    logger,
    ...(gateway.devIssuer ? { agentCommand: () => demoAgentCommand(gateway) } : {}),
  });
  const feed = followApprovals(
    gateway,
    (update) => {
      if (update.countChanged) shell.setPendingCount(update.count);
      for (const notice of update.notify) shell.notify(notice);
    },
    { logger },
  );
  answerIpc(hosted, origin, feed, logger);
  shell.hardenSession(session.defaultSession);
  shell.createTray();
  shell.setPendingCount(feed.count);
  shell.show();

  app.on('second-instance', () => shell.show());
  app.on('activate', () => shell.show());
  app.on('window-all-closed', () => {
    // macOS keeps the app (and the gateway its agents use) running in the dock.
    if (process.platform !== 'darwin') app.quit();
  });
  stopOnQuit(
    hosted,
    () => {
      feed.stop();
      shell.destroy();
    },
    logger,
  );
}

function answerIpc(hosted: HostedGateway, origin: string, feed: ApprovalFeed, logger: Logger): void {
  const trusted = (event: IpcMainInvokeEvent) => {
    if (isTrustedSender(event.senderFrame?.url, origin)) return true;
    logger.warn('IPC refused: not the gateway page', { url: event.senderFrame?.url });
    return false;
  };
  ipcMain.handle(IPC.pendingApprovalsGet, (event) => {
    if (!trusted(event)) throw new Error('refused');
    return feed.count;
  });
  ipcMain.handle(IPC.saveEvidence, async (event, payload: unknown): Promise<SaveEvidenceResult> => {
    if (!trusted(event)) throw new Error('refused');
    const request = parseSaveEvidenceRequest(payload);
    if (!request.ok) return { saved: false, error: request.error };
    const contents = event.sender;
    const owner = BrowserWindow.fromWebContents(contents);
    return saveEvidencePacket(
      {
        gatewayUrl: hosted.url,
        cookieHeader: async () => {
          const cookies = await contents.session.cookies.get({ url: hosted.url });
          return cookies.length > 0 ? cookies.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
        },
        chooseSavePath: async (name) => {
          const options = {
            title: 'Save evidence packet',
            defaultPath: join(app.getPath('downloads'), name),
            filters: [{ name: 'Evidence packet', extensions: ['zip'] }],
          };
          const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
          return choice.canceled ? undefined : choice.filePath;
        },
      },
      request.value.sessionIds,
    );
  });
}

/** Quitting (menu, tray, last window, SIGINT/SIGTERM) closes the gateway first, so recordings get sealed. */
function stopOnQuit(hosted: HostedGateway, beforeStop: () => void, logger: Logger): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    beforeStop();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    const stopped = hosted.stop().then(
      () => logger.info('gateway stopped'),
      (err: unknown) => logger.error('the gateway did not stop cleanly', { err }),
    );
    void Promise.race([stopped, timeout]).then(() => {
      state = 'stopped';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}
