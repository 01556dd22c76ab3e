import { useEffect } from 'react';
import { navigate } from '../shell/use-route';
import { usePacket } from './PacketContext';

const isPacketFile = (file: File) => /\.zip$/i.test(file.name) || file.type === 'application/zip';

/**
 * A packet dropped anywhere on the IDE (the sign-in screen included) opens in the packet view. Other drops
 * are left alone (an editor may take them); a file dropped elsewhere does not replace the IDE in the tab.
 */
export function usePacketDrop(): void {
  const { open } = usePacket();
  useEffect(() => {
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (carriesFiles(event) && !event.defaultPrevented) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event) || event.defaultPrevented) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (!file || !isPacketFile(file)) return;
      open(file);
      navigate('#/packet');
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [open]);
}
