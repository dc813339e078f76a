// Types of ensure.mjs, for the TypeScript that imports it (the end-to-end test builds the web app through it).
export declare const root: string;
export declare function ensureInstalled(): void;
export declare function ensureWebBuilt(): void;
export declare function ensureBuilt(): void;
