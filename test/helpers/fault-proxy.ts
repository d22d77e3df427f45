// A loopback TCP proxy between Custos and Postgres, so a test can take the database away
// mid-load (cut: connections reset; blackhole: packets silently dropped, the case timeouts
// are for) and give it back, without stopping the Postgres server other test files share.
import net from "node:net";

export interface FaultProxy {
  readonly port: number;
  /** The same URL with host 127.0.0.1 and this proxy's port. */
  readonly url: (dbUrl: string) => string;
  /** Cut: destroy every open connection and refuse (immediately close) new ones. */
  cut(): void;
  /** Blackhole: keep connections open but stop forwarding bytes either way (hangs); new connections hang too. */
  blackhole(): void;
  /**
   * Back to forwarding for new connections. Connections held by a blackhole resume, with the
   * bytes they were holding, as TCP does when a partition heals; cut() first to drop them.
   */
  restore(): void;
  close(): Promise<void>;
  /** Client connections open through the proxy. */
  readonly connections: number;
}

type Mode = "forward" | "cut" | "blackhole";
type Conn = { client: net.Socket; upstream?: net.Socket };

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: Mode = "forward";
  const conns = new Set<Conn>();

  const drop = (c: Conn) => {
    conns.delete(c);
    c.client.destroy();
    c.upstream?.destroy();
  };

  const forward = (c: Conn) => {
    if (c.upstream === undefined) {
      const up = net.connect(target.port, target.host);
      up.on("error", () => drop(c));
      up.on("close", () => drop(c));
      c.upstream = up;
    }
    c.client.pipe(c.upstream);
    c.upstream.pipe(c.client);
  };

  // Unpiped and paused, unread bytes stay in the kernel and stream buffers: nothing crosses.
  const stall = (c: Conn) => {
    c.client.unpipe();
    c.upstream?.unpipe();
    c.client.pause();
    c.upstream?.pause();
  };

  const server = net.createServer((client) => {
    if (mode === "cut") {
      client.on("error", () => {});
      client.resetAndDestroy(); // RST, as from a host that is gone
      return;
    }
    const c: Conn = { client };
    conns.add(c);
    client.on("error", () => drop(c));
    client.on("close", () => drop(c));
    if (mode === "forward") forward(c);
    else client.pause(); // blackhole: accepted, never answered
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: (dbUrl) => {
      const u = new URL(dbUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut() {
      mode = "cut";
      for (const c of [...conns]) {
        c.client.resetAndDestroy();
        drop(c);
      }
    },
    blackhole() {
      mode = "blackhole";
      for (const c of conns) stall(c);
    },
    restore() {
      if (mode === "forward") return;
      mode = "forward";
      for (const c of conns) forward(c);
    },
    async close() {
      mode = "cut";
      for (const c of [...conns]) drop(c);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    get connections() {
      return conns.size;
    },
  };
}
