// The console's views. Each module returns a Hono app whose routes sit under /console and
// run after the session check (src/console/routes.tsx): c.get("session"), c.get("roles")
// and c.get("pseudonym") are set.
import type { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import type { ConsoleEnv } from "../layout.tsx";
import { overviewPage } from "./overview.tsx";
import { policiesPage } from "./policies.tsx";
import { integrityPage } from "./integrity.tsx";
import { adminPage } from "./admin.tsx";
import { searchPage } from "./search.tsx";
import { eventPage } from "./event.tsx";
import { retentionPage } from "./retention.tsx";
import { incidentsPage } from "./incidents.tsx";
import { holdsPage } from "./holds.tsx";
import { subjectsPage } from "./subjects.tsx";

export const CONSOLE_PAGES: readonly ((deps: Deps) => Hono<ConsoleEnv>)[] = [
  overviewPage,
  policiesPage,
  integrityPage,
  adminPage,
  searchPage,
  eventPage,
  retentionPage,
  incidentsPage,
  holdsPage,
  subjectsPage,
];
