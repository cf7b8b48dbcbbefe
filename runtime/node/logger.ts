import pino, { type Logger } from "pino";

/** Readable logs by default (pino-pretty); JSON lines for machines with logFormat "json". */
export function createLogger(opts: { level: string; format: "pretty" | "json"; name?: string }): Logger {
  if (opts.format === "json") return pino({ level: opts.level, name: opts.name });
  return pino({
    level: opts.level,
    name: opts.name,
    transport: { target: "pino-pretty", options: { colorize: process.stdout.isTTY, translateTime: "HH:MM:ss.l", ignore: "pid,hostname", singleLine: true, sync: true } },
  });
}

export type { Logger };
