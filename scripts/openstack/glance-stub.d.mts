// Types of glance-stub.mjs (plain Node so start.sh can run it without a build step).
import type { Server } from "node:http";

export declare const DEFAULT_PORT: number;
export declare const IMAGE_ID: string;

export interface StubAnswer {
  status: number;
  body: unknown;
}

export declare function image(): Record<string, unknown>;

export declare function route(method: string, url: string, origin?: string): StubAnswer;

export declare function createStubServer(log?: (line: string) => void): Server;
