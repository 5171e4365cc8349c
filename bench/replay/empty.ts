// Nothing: run through load-ts.mjs, its wall time is Node's start-up plus tsx's.
export {};
