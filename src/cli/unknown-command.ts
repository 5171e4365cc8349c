import type { Command } from "commander";
import { ConfigurationError } from "./configuration-error.ts";

/**
 * Refuses a first word that names no command. Without this, replay (the default command)
 * takes the word as an argument and commander answers "too many arguments for 'replay'".
 */
export function unknownCommand(program: Command, argv: readonly string[]): void {
  const word = argv[2];
  if (word === undefined || word.startsWith("-")) return;
  const names = program.commands.map((command) => command.name());
  if (names.includes(word) || word === "help") return;
  throw new ConfigurationError(`unknown command ${word}; the commands are ${names.join(", ")}`);
}
