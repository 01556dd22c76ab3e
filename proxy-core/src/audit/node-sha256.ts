import { createHash } from 'node:crypto';
import type { Sha256Hex } from './audit-chain';

/** The gateway's and CLI's Sha256Hex; the browser passes its own. */
export const sha256Hex: Sha256Hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
