import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from 'fflate';

/** Files executable in the archive (shell scripts), by path. */
const EXECUTABLE = /\.sh$/;

/**
 * A zip archive of a generated project, every file under one top-level folder. Timestamps are fixed so
 * the same project always gives the same bytes.
 */
export function zipProject(folder: string, files: Record<string, string>): Uint8Array {
  const entries: Zippable = {};
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const [path, content] of Object.entries(files)) {
    entries[`${folder}/${path}`] = [
      strToU8(content),
      { mtime, attrs: (EXECUTABLE.test(path) ? 0o755 : 0o644) << 16, level: 6 },
    ];
  }
  return zipSync(entries);
}

/** One file of a project zip made by {@link zipProject}, as text; undefined when the zip has no such file. */
export function readZipEntry(zip: Uint8Array, folder: string, path: string): string | undefined {
  const name = `${folder}/${path}`;
  const entry = unzipSync(zip, { filter: (file) => file.name === name })[name];
  return entry ? strFromU8(entry) : undefined;
}
