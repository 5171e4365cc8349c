import { type Scenario, shortId } from "./scenario.ts";

/** Which scenarios to run; every given filter must match. */
export interface Selection {
  /** Scenario ids; a prefix is enough. */
  ids?: string[];
  tags?: string[];
  operations?: string[];
  categories?: string[];
  /** API versions: the cases of versioned scenarios at these versions (`unversioned` also
   * selects every scenario that is not versioned, since that is how those are called). */
  versions?: string[];
}

/** Whether `id` names the case: a prefix of its id, or of its id as reports print it. */
export function matchesId(scenario: Scenario, id: string): boolean {
  return scenario.id.startsWith(id) || shortId(scenario.id).startsWith(id);
}

export function select(catalog: readonly Scenario[], selection: Selection): Scenario[] {
  return catalog.filter(
    (scenario) =>
      (!selection.ids?.length || selection.ids.some((id) => matchesId(scenario, id))) &&
      (!selection.tags?.length || selection.tags.some((tag) => scenario.tags?.includes(tag))) &&
      (!selection.operations?.length || selection.operations.includes(scenario.operation)) &&
      (!selection.categories?.length || selection.categories.includes(scenario.category)) &&
      (!selection.versions?.length ||
        selection.versions.includes(scenario.version ?? "unversioned")),
  );
}

/** Whether no filter is set: the run covers the whole catalog. */
export function selectsAll(selection: Selection): boolean {
  return Object.values(selection).every((filter) => !filter?.length);
}
