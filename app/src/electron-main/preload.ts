// The IDE's only way to reach the desktop: a few validated calls on `window.vigilDesktop`. Runs sandboxed
// (bundled to CommonJS: a sandboxed preload cannot be an ES module) with context isolation, so the page
// gets these functions and nothing of Electron or Node.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  BRIDGE_NAME,
  gatewayOriginFromArgv,
  IPC,
  parsePendingCount,
  parseSaveEvidenceRequest,
  parseSaveEvidenceResult,
  type SaveEvidenceResult,
  type VigilDesktopApi,
} from '../ipc-contract';

const api: VigilDesktopApi = {
  async saveEvidence(sessionIds: string[]): Promise<SaveEvidenceResult> {
    const request = parseSaveEvidenceRequest({ sessionIds });
    if (!request.ok) return { saved: false, error: request.error };
    const result = parseSaveEvidenceResult(await ipcRenderer.invoke(IPC.saveEvidence, request.value));
    return result.ok ? result.value : { saved: false, error: result.error };
  },

  onPendingApprovals(cb: (count: number) => void): () => void {
    if (typeof cb !== 'function') throw new TypeError('onPendingApprovals needs a callback');
    let active = true;
    const deliver = (payload: unknown) => {
      const count = parsePendingCount(payload);
      if (active && count.ok) cb(count.value);
    };
    const listener = (_event: IpcRendererEvent, payload: unknown) => deliver(payload);
    ipcRenderer.on(IPC.pendingApprovalsChanged, listener);
    ipcRenderer.invoke(IPC.pendingApprovalsGet).then(deliver, () => {
      // Main refused (not the gateway's page) or is quitting: the badge simply stays unknown.
    });
    return () => {
      active = false;
      ipcRenderer.removeListener(IPC.pendingApprovalsChanged, listener);
    };
  },

  platform: process.platform,
};

// The same window may show an identity provider's sign-in page: the bridge is for the gateway's pages only.
if (window.location.origin === gatewayOriginFromArgv(process.argv)) contextBridge.exposeInMainWorld(BRIDGE_NAME, api);
