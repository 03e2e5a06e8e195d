import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freePort } from '@app/testing';

/** One message as the server took it: envelope and raw RFC 5322 text. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server (the `smtp-server` package) in this process, without TLS or auth, that keeps
 * what it receives. `answerNext(code, text)` makes it refuse the next messages at end of DATA with
 * that reply, as a server under load (451) or refusing a mailbox (550) does.
 */
export class SmtpStandIn {
  readonly received: ReceivedMail[] = [];
  /**
   * Messages past this many are taken (kept in `received`, as a server that queued them for delivery)
   * but never answered: the client's "250 OK" is lost, the crash window of a sender killed meanwhile.
   */
  holdRepliesAfter = Infinity;
  /** Messages taken and never answered (past `holdRepliesAfter`). */
  held = 0;
  /** Each "250 OK" goes this long after the message arrived (a server under load), so sends are in flight. */
  answerDelayMs = 0;
  /** Client connection errors the server reported (a killed client resets its connection). */
  readonly connectionErrors: string[] = [];
  private refusals: Array<{ code: number; text: string }> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpStandIn> {
    const port = await freePort();
    // onData needs the instance, which needs the server: filled in once both exist.
    const ref: { standIn?: SmtpStandIn } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const refusal = ref.standIn!.refusals.shift();
          if (refusal) return callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
          const standIn = ref.standIn!;
          standIn.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          if (standIn.received.length > standIn.holdRepliesAfter) {
            standIn.held++;
            return;
          }
          if (standIn.answerDelayMs > 0) setTimeout(() => callback(), standIn.answerDelayMs);
          else callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    ref.standIn = new SmtpStandIn(server, port);
    // smtp-server emits a client connection's failure (ECONNRESET when a test kills the notifier -9)
    // on the server: kept for the test to read, instead of crashing the suite as an unhandled 'error'.
    const standIn = ref.standIn;
    server.on('error', (err: Error) => standIn.connectionErrors.push(err.message));
    return ref.standIn;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Client connections still open (a killed client's close up once the server has read all it sent). */
  get openConnections(): number {
    return this.server.connections.size;
  }

  answerNext(code: number, text: string, times = 1): void {
    for (let i = 0; i < times; i++) this.refusals.push({ code, text });
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A header's value, unfolded. */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The decoded body of the part of this content type (base64 or plain), from a multipart message. */
export function mimePart(raw: string, contentType: string): string | undefined {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const part = parts.find((p) => new RegExp(`^content-type:\\s*${contentType}`, 'im').test(p.split(/\r?\n\r?\n/)[0]));
  if (!part) return undefined;
  const [head, ...rest] = part.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n').replace(/\r?\n--[^\r\n]*--\s*$/, '');
  return /content-transfer-encoding:\s*base64/i.test(head) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
}
