import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { createWorker } from '../../platform/jobs/index.ts';
import { createLogger } from '../../platform/logger.ts';
import { createAuditRepository, createAuditService } from '../audit/index.ts';
import { createNotify } from './index.ts';

// Real servers on loopback for the notify tests: an SMTP server that keeps what it receives, and an
// HTTP server whose answers a test scripts.

export const silentLog = createLogger('silent');

export type ReceivedMail = { from: string; to: string[]; raw: string };

/**
 * An SMTP server on 127.0.0.1 (`port` 0 = any free port), without TLS or authentication, that
 * answers 550 to the recipients in `rejects`.
 */
export async function startSmtpServer(port = 0, rejects: string[] = []) {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!rejects.includes(address.address)) return callback();
      callback(Object.assign(new Error(`<${address.address}>: Recipient address rejected`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return { port: address.port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export type ReceivedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** An HTTP server on 127.0.0.1 that records requests and answers with `answers` in turn, then 200. */
export async function startHttpServer() {
  const requests: ReceivedRequest[] = [];
  const answers: Answer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queues the next answers; `'hang'` never answers. */
    answer: (...next: Answer[]) => void answers.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A notify module on `database` with a clock the test moves, and a worker to drain its jobs. */
export function createNotifyHarness(database: Database, clock: Clock, config: { smtpUrl?: string | undefined; webhookTimeoutMs?: number } = {}) {
  const audit = createAuditService({ repo: createAuditRepository(), clock });
  const notify = createNotify({
    db: database.db,
    audit,
    clock,
    log: silentLog,
    config: { smtpUrl: config.smtpUrl, smtpFrom: 'CERT Vigil <vigil@cert.example>', webhookTimeoutMs: config.webhookTimeoutMs ?? 5000 },
  });
  const worker = createWorker({ db: database.db, jobs: notify.jobs, log: silentLog, clock, leaseMs: 60_000 });
  return { notify, audit, worker, service: notify.service };
}

/** Empties the notify tables and the job queue between tests. */
export async function resetNotifyTables(database: Database): Promise<void> {
  await sql`delete from jobs`.execute(database.db);
  await sql`delete from notifications`.execute(database.db);
  await sql`delete from webhook_endpoints`.execute(database.db);
}
