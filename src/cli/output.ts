/** Where the CLI writes, and what it needs of its entry (src/cli/main.ts), which owns the process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What the CLI needs of its entry: where to write, and how to start the server (the entry owns that). */
export interface CliHost extends CliOutput {
  serve(): Promise<unknown>;
}
