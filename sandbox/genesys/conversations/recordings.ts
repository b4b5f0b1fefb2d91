/**
 * Recordings: the vendor's `Recording` JSON with `mediaUris` pointing at signed, expiring URLs this
 * emulator serves (S3-style query: `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-Signature`), `deleteDate` /
 * `archiveDate` set by PUT, and deletion once `deleteDate` is due (swept on every access).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Conversation, RecordingState } from './model.ts';

export const FORMATS: Record<string, { ext: string; contentType: string }> = {
  WEBM: { ext: 'webm', contentType: 'audio/webm' },
  WAV: { ext: 'wav', contentType: 'audio/wav' },
  WAV_ULAW: { ext: 'wav', contentType: 'audio/wav' },
  OGG_VORBIS: { ext: 'ogg', contentType: 'audio/ogg' },
  OGG_OPUS: { ext: 'ogg', contentType: 'audio/ogg' },
  MP3: { ext: 'mp3', contentType: 'audio/mpeg' },
};

export class RecordingSigner {
  private readonly key = randomBytes(32);

  sign(recordingId: string, formatId: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${recordingId}|${formatId}|${expiresAt}`).digest('hex');
  }

  /** Query string for a media URL valid for `ttlSeconds` from `now`. */
  query(recordingId: string, formatId: string, now: number, ttlSeconds: number): string {
    const expiresAt = Math.floor(now / 1000) + ttlSeconds;
    const date = new Date(now).toISOString().replace(/[-:]|\.\d{3}/g, '');
    return `X-Amz-Date=${date}&X-Amz-Expires=${ttlSeconds}&X-Amz-Format=${formatId}&X-Amz-Deadline=${expiresAt}&X-Amz-Signature=${this.sign(recordingId, formatId, expiresAt)}`;
  }

  verify(
    recordingId: string,
    q: Record<string, string | undefined>,
    now: number,
  ): 'ok' | 'expired' | 'invalid' {
    const deadline = Number(q['X-Amz-Deadline']);
    const formatId = q['X-Amz-Format'] ?? '';
    const sig = q['X-Amz-Signature'] ?? '';
    if (!Number.isInteger(deadline) || !/^[0-9a-f]{64}$/.test(sig)) return 'invalid';
    const expected = Buffer.from(this.sign(recordingId, formatId, deadline), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid';
    return Math.floor(now / 1000) > deadline ? 'expired' : 'ok';
  }
}

/** Removes recordings whose deleteDate is due; returns how many went. */
export function sweepRecordings(conversations: Iterable<Conversation>, now: number): number {
  let removed = 0;
  for (const c of conversations) {
    const keep = c.recordings.filter((r) => r.deleteDate === undefined || r.deleteDate > now);
    removed += c.recordings.length - keep.length;
    c.recordings = keep;
  }
  return removed;
}

export function renderRecording(r: RecordingState, mediaUri: string | undefined): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: r.id,
    conversationId: r.conversationId,
    startTime: iso(r.startTime),
    ...(r.endTime !== undefined ? { endTime: iso(r.endTime) } : {}),
    media: 'audio',
    annotations: [],
    fileState: 'AVAILABLE',
    ...(mediaUri ? { mediaUris: { S: { mediaUri } } } : {}),
    estimatedTranscodeTimeMs: 0,
    actualTranscodeTimeMs: 0,
    ...(r.archiveDate !== undefined
      ? { archiveDate: iso(r.archiveDate), archiveMedium: 'CLOUDARCHIVE' }
      : {}),
    ...(r.deleteDate !== undefined ? { deleteDate: iso(r.deleteDate) } : {}),
    ...(r.endTime !== undefined ? { outputDurationMs: r.endTime - r.startTime } : {}),
    recordingFileRole: 'CUSTOMER_EXPERIENCE',
    sessionId: r.participantId,
    selfUri: `/api/v2/conversations/${r.conversationId}/recordings/${r.id}`,
  };
}

/** A short silent 8 kHz mono 16-bit WAV (at most 1 s): real bytes a player accepts, never large. */
export function silentWav(durationMs: number): Buffer {
  const samples = Math.max(1, Math.min(8000, Math.round((durationMs / 1000) * 8000)));
  const data = samples * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(data, 40);
  return b;
}
