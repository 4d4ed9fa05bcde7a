import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the engine and its PostgreSQL that can hang: while frozen it forwards
 * nothing in either direction and holds new connections unanswered, yet every socket stays
 * open — the server looks alive to TCP (keepalives are answered by this process's kernel),
 * it just never replies. What a stuck server, a saturated disk or a silent network partition
 * look like to a client; only client-side timeouts get it out.
 */
export interface HangingProxy {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startHangingProxy(targetPort: number): Promise<HangingProxy> {
  let frozen = false;
  const pairs = new Set<[Socket, Socket]>();
  const waiting: Array<() => void> = [];

  const connect = (client: Socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (frozen) {
      client.pause();
      upstream.pause();
    }
  };

  const server: Server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (frozen) waiting.push(() => connect(client));
    else connect(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        // stop reading on both sides: nothing already in flight is delivered either
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const [client, upstream] of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.resume();
      }
      for (const start of waiting.splice(0)) start();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
