/**
 * The schema the `yaml-language-server` modeline of a new envgen.yaml names, so editors check
 * the file as it is typed. A model repo is usually a Python repo with no `node_modules`, so the
 * default is the schema of this envgen version as published on npm, served by jsDelivr (an
 * exact-version URL of an npm package: its files never change). Where envgen is installed in
 * the repo itself (`npm install --save-dev envgen`), the local copy is named instead: it works
 * offline and follows the installed version.
 */
import { join } from 'node:path';
import type { Io } from '../io.js';

/** The modeline's target relative to envgen.yaml, when the repo has envgen installed. */
const LOCAL_FOLDER = 'node_modules/envgen/schemas';
const SCHEMA_FILE = 'envgen.schema.json';

/** The published schema of an envgen version (the `schemas/` folder ships in the package). */
function publishedSchemaUrl(version: string): string {
  return `https://cdn.jsdelivr.net/npm/envgen@${version}/schemas/${SCHEMA_FILE}`;
}

/** The local schema when `root/node_modules/envgen/schemas/envgen.schema.json` is a file, else the URL. */
export async function schemaRef(io: Io, root: string, version: string): Promise<string> {
  const entries = await io.readDir(join(root, LOCAL_FOLDER)).catch(() => []);
  const local = entries.some((entry) => entry.name === SCHEMA_FILE && entry.isFile);
  return local ? `./${LOCAL_FOLDER}/${SCHEMA_FILE}` : publishedSchemaUrl(version);
}
