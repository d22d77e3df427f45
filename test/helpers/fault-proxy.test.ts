import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.ts";

// An echo server on loopback stands in for Postgres: what goes in comes back through the proxy.
let echo: net.Server;
let echoSockets: Set<net.Socket>;
let proxy: FaultProxy;
let clients: net.Socket[];

beforeEach(async () => {
  echoSockets = new Set();
  echo = net.createServer((s) => {
    echoSockets.add(s);
    s.on("close", () => echoSockets.delete(s));
    s.on("error", () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  proxy = await startFaultProxy({ host: "127.0.0.1", port: (echo.address() as net.AddressInfo).port });
  clients = [];
});

afterEach(async () => {
  for (const c of clients) c.destroy();
  await proxy.close();
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((r) => echo.close(() => r()));
});

/** Rejects after `ms`, so a hang fails the test quickly instead of at the suite timeout. */
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref())]);

/** A client with everything it receives collected, and whether it closed. */
async function connect(): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const socket = net.connect(proxy.port, "127.0.0.1");
  clients.push(socket);
  let data = "";
  socket.on("data", (d: Buffer) => (data += d.toString()));
  socket.on("error", () => {}); // a cut resets the connection
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  await within(new Promise<void>((r) => socket.once("connect", () => r())), 2000, "connect");
  return { socket, received: () => data, closed };
}

async function echoes(c: { socket: net.Socket; received: () => string }, text: string): Promise<void> {
  const want = c.received() + text;
  c.socket.write(text);
  await within(
    (async () => {
      while (c.received() !== want) await new Promise((r) => setTimeout(r, 5));
    })(),
    2000,
    `echo of ${text}`,
  );
}

/** Nothing comes back for `ms`. */
async function silent(c: { socket: net.Socket; received: () => string }, text: string, ms = 300): Promise<void> {
  const before = c.received();
  c.socket.write(text);
  await new Promise((r) => setTimeout(r, ms));
  expect(c.received()).toBe(before);
}

const waitFor = (cond: () => boolean, what: string) =>
  within(
    (async () => {
      while (!cond()) await new Promise((r) => setTimeout(r, 5));
    })(),
    2000,
    what,
  );

describe("fault proxy", () => {
  it("forwards both ways on loopback, and rewrites a database URL to itself", async () => {
    const c = await connect();
    await echoes(c, "hello");
    await echoes(c, " again");
    expect(proxy.connections).toBe(1);
    expect(proxy.url("postgres://custos:s%40cret@db.internal:5432/custos?sslmode=disable")).toBe(
      `postgres://custos:s%40cret@127.0.0.1:${proxy.port}/custos?sslmode=disable`,
    );
  });

  it("cut closes open connections and refuses new ones until restored", async () => {
    const c = await connect();
    await echoes(c, "x");
    proxy.cut();
    await within(c.closed, 2000, "the open connection closing");
    expect(proxy.connections).toBe(0);
    await waitFor(() => echoSockets.size === 0, "the upstream side closing");

    const refused = net.connect(proxy.port, "127.0.0.1");
    clients.push(refused);
    refused.on("error", () => {});
    await within(new Promise((r) => refused.once("close", r)), 2000, "a new connection being closed");

    proxy.restore();
    await echoes(await connect(), "back");
  });

  it("blackhole stalls open and new connections both ways; restore lets them through", async () => {
    const open = await connect();
    await echoes(open, "a");
    proxy.blackhole();
    await silent(open, "b");
    const fresh = await connect(); // accepted, never answered
    await silent(fresh, "c");
    expect(proxy.connections).toBe(2);
    expect(echoSockets.size).toBe(1); // the new one never reached the server

    proxy.restore();
    // The held bytes arrive, as after a healed partition, and traffic flows again.
    await waitFor(() => open.received() === "ab" && fresh.received() === "c", "held bytes delivered");
    await echoes(open, "d");
    await echoes(fresh, "e");
    await echoes(await connect(), "f");
  });

  it("cut after blackhole drops the stalled connections", async () => {
    const c = await connect();
    proxy.blackhole();
    await silent(c, "x", 100);
    proxy.cut();
    await within(c.closed, 2000, "the stalled connection closing");
    expect(proxy.connections).toBe(0);
  });

  it("close releases every connection and the port", async () => {
    const a = await connect();
    const b = await connect();
    await echoes(a, "1");
    proxy.blackhole();
    await within(proxy.close(), 2000, "close");
    await within(Promise.all([a.closed, b.closed]), 2000, "clients closed");
    await waitFor(() => echoSockets.size === 0, "upstream sockets closed");
    const late = net.connect(proxy.port, "127.0.0.1");
    const err = await within(new Promise<NodeJS.ErrnoException>((r) => late.once("error", r)), 2000, "connection refused");
    expect(err.code).toBe("ECONNREFUSED");
  });
});
