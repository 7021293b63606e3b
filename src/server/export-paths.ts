/**
 * The only way the MCP tools reach export files (mcp-ecosystem.md §6, rule 1). The server may read files only inside
 * the folders named by `KARTRA_EXPORTS_DIR`; a tool argument names files or folders in them, and this module turns it
 * into the real paths of the export files to read, or refuses with a sentence saying what was refused and what to do.
 *
 * Checks, in order, for each requested entry: no null byte; after normalisation (`..` resolved) it lies inside an
 * allowed folder; its real path (symbolic links followed) lies inside one too; it is an export (`.csv`, `.tsv`,
 * `.txt`), a regular file, and not larger than `MAX_EXPORT_BYTES`. A folder is listed one level deep and every export
 * file found in it passes the same checks (a link in it that points elsewhere is refused, not skipped). Containment
 * compares path segments through `path.relative`, so `/exports-evil` is not inside `/exports`, and Windows paths
 * (other drives, any letter case) are compared the way Windows does.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { setting } from '../config.js';
import { UserError } from '../errors.js';
import { EXPORT_EXTENSIONS } from '../kartra/inspect.js';

/** The largest export file the server reads: 1 GiB (a million leads with every column is a few hundred MB). */
export const MAX_EXPORT_BYTES = 1024 ** 3;

/** How many characters of a path from a tool argument (or found in a folder) a message repeats. */
const SHOWN_CHARS = 80;

const SETTING_HINT = 'in Claude Desktop: the extension\'s "Kartra exports folder" setting';

type Env = Record<string, string | undefined>;

/**
 * The folders the server may read exports from: `KARTRA_EXPORTS_DIR`, split on `path.delimiter`, each absolute and
 * resolved to its real path (duplicates removed, order kept). Unset, empty, or a bundle placeholder that was never
 * filled in: a `UserError` saying what to set.
 */
export async function exportFoldersFromEnvironment(env: Env = process.env): Promise<string[]> {
  const entries = (setting(env, 'KARTRA_EXPORTS_DIR') ?? '')
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new UserError(
      `KARTRA_EXPORTS_DIR is not set, so the server may read no export files. Set KARTRA_EXPORTS_DIR to the folder holding the Kartra CSV exports (${SETTING_HINT}).`,
    );
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (!path.isAbsolute(entry)) {
      throw new UserError(
        `KARTRA_EXPORTS_DIR names ${shown(entry)}, which is not an absolute path (an MCP server's working folder is undefined). Set it to the folder's full path, e.g. ${process.platform === 'win32' ? 'C:\\Users\\me\\Kartra exports' : '/Users/me/Kartra exports'} (${SETTING_HINT}).`,
      );
    }
    let real: string;
    try {
      real = await realpath(entry);
    } catch (error) {
      throw folderError(entry, error);
    }
    const info = await stat(real).catch((error: unknown) => {
      throw folderError(entry, error);
    });
    if (!info.isDirectory()) {
      throw new UserError(
        `KARTRA_EXPORTS_DIR names ${shown(entry)}, which is a file, not a folder. Set it to the folder that holds the Kartra CSV exports (${SETTING_HINT}).`,
      );
    }
    if (!folders.includes(real)) folders.push(real);
  }
  return folders;
}

function folderError(entry: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserError(
      `KARTRA_EXPORTS_DIR names ${shown(entry)}, which does not exist. Create that folder and put the Kartra CSV exports in it, or set KARTRA_EXPORTS_DIR to the folder that holds them (${SETTING_HINT}).`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(
      `KARTRA_EXPORTS_DIR names ${shown(entry)}, which this user may not open. Give your user read access to it, or choose another folder (${SETTING_HINT}).`,
    );
  }
  return new UserError(
    `KARTRA_EXPORTS_DIR names ${shown(entry)}, which cannot be opened (${code ?? 'unknown error'}). Check the folder, or choose another one (${SETTING_HINT}).`,
  );
}

export interface ResolveOptions {
  /** The size limit per file; `MAX_EXPORT_BYTES` unless a test says otherwise. */
  maxBytes?: number;
}

/**
 * The real absolute paths of the export files to read, sorted and without duplicates. `requested` empty: every export
 * file directly inside every allowed folder. Otherwise each entry is a file or folder, relative to the first allowed
 * folder or absolute. Anything refused throws a `UserError` naming it (truncated) and what to do.
 */
export async function resolveExportPaths(
  requested: readonly string[],
  allowed: readonly string[],
  options: ResolveOptions = {},
): Promise<string[]> {
  const maxBytes = options.maxBytes ?? MAX_EXPORT_BYTES;
  if (allowed.length === 0) {
    throw new UserError(
      `No exports folder is configured, so the server may read no export files. Set KARTRA_EXPORTS_DIR to the folder holding the Kartra CSV exports (${SETTING_HINT}).`,
    );
  }
  // The folders as given and as real paths: a request may spell either (macOS's /var is /private/var).
  const roots = await Promise.all(allowed.map((folder) => realpath(folder).catch(() => path.resolve(folder))));
  const lexicalRoots = [...new Set([...allowed.map((folder) => path.resolve(folder)), ...roots])];
  const context: Context = { roots, lexicalRoots, maxBytes };

  const files = new Set<string>();
  if (requested.length === 0) {
    for (const root of roots) {
      for (const file of await exportFilesIn(root, root, context, { refuseEmpty: false })) files.add(file);
    }
    if (files.size === 0) {
      throw new UserError(
        `There are no export files (${EXPORT_EXTENSIONS.join(', ')}) in ${folderList(roots)}. Download the exports from Kartra (contacts, transactions, subscriptions) and put them in ${roots.length === 1 ? 'that folder' : 'one of those folders'}.`,
      );
    }
  }
  for (const entry of requested) {
    for (const file of await resolveEntry(entry, context)) files.add(file);
  }
  return [...files].sort();
}

interface Context {
  /** The allowed folders' real paths. */
  roots: string[];
  /** The allowed folders both as given (normalised) and as real paths. */
  lexicalRoots: string[];
  maxBytes: number;
}

async function resolveEntry(entry: string, context: Context): Promise<string[]> {
  if (typeof entry !== 'string') throw new UserError('Refused a path that is not text. Name an export file or folder as a path.');
  if (entry.includes('\0')) {
    throw new UserError(`Refused the path ${shown(entry)}: it contains a null byte. Name the export file or folder without it.`);
  }
  const first = context.roots[0]!;
  const candidate = path.resolve(first, entry);
  if (!context.lexicalRoots.some((root) => isInsideFolder(root, candidate))) {
    throw outsideError(entry, context);
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(
        `Refused ${shown(entry)}: there is no such file or folder in ${folderList(context.roots)}. Check the name (inspect_exports without paths lists every export there).`,
      );
    }
    throw accessError(entry, code);
  }
  if (!context.roots.some((root) => isInsideFolder(root, real))) {
    throw new UserError(
      `Refused ${shown(entry)}: it is a symbolic link to a place outside ${folderList(context.roots)}. Copy the export itself into the exports folder instead of linking to it.`,
    );
  }
  const info = await stat(real).catch((error: unknown) => {
    throw accessError(entry, (error as NodeJS.ErrnoException).code);
  });
  if (info.isDirectory()) return exportFilesIn(real, entry, context, { refuseEmpty: true });
  return [checkFile(entry, candidate, real, info, context)];
}

/** Export files directly inside `folder` (a real path inside an allowed folder), each checked like a requested file. */
async function exportFilesIn(folder: string, named: string, context: Context, how: { refuseEmpty: boolean }): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw accessError(named, (error as NodeJS.ErrnoException).code);
  }
  const found: string[] = [];
  const names = entries
    .filter((e) => !e.name.startsWith('.') && EXPORT_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    const candidate = path.join(folder, name);
    const shownName = path.join(named, name);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new UserError(
          `Refused ${shown(shownName)}: it is a symbolic link to something that does not exist. Delete the link, or replace it with the export itself.`,
        );
      }
      throw accessError(shownName, code);
    }
    if (!context.roots.some((root) => isInsideFolder(root, real))) {
      throw new UserError(
        `Refused ${shown(shownName)}: it is a symbolic link to a place outside ${folderList(context.roots)}. Copy the export itself into the folder instead of linking to it, or remove the link.`,
      );
    }
    const info = await stat(real).catch((error: unknown) => {
      throw accessError(shownName, (error as NodeJS.ErrnoException).code);
    });
    if (info.isDirectory()) continue; // a folder named like an export: not listed (folders are read one level deep)
    found.push(checkFile(shownName, candidate, real, info, context));
  }
  if (how.refuseEmpty && found.length === 0) {
    throw new UserError(
      `Refused ${shown(named)}: this folder holds no export files (${EXPORT_EXTENSIONS.join(', ')}) directly inside it. Put the CSV files downloaded from Kartra in it, or name the files themselves.`,
    );
  }
  return found;
}

function checkFile(
  named: string,
  candidate: string,
  real: string,
  info: { isFile(): boolean; size: number },
  context: Context,
): string {
  const extensions = [path.extname(candidate).toLowerCase(), path.extname(real).toLowerCase()];
  if (!extensions.every((extension) => EXPORT_EXTENSIONS.includes(extension))) {
    throw new UserError(
      `Refused ${shown(named)}: only export files (${EXPORT_EXTENSIONS.join(', ')}) may be read. Name the CSV file downloaded from Kartra.`,
    );
  }
  if (!info.isFile()) {
    throw new UserError(`Refused ${shown(named)}: it is not a regular file. Name the CSV file downloaded from Kartra.`);
  }
  if (info.size > context.maxBytes) {
    throw new UserError(
      `Refused ${shown(named)}: it is ${formatBytes(info.size)}, over the limit of ${formatBytes(context.maxBytes)} per file. Export it from Kartra in smaller parts (by date range or list); the parts are read as one dataset.`,
    );
  }
  return real;
}

function outsideError(entry: string, context: Context): UserError {
  return new UserError(
    `Refused ${shown(entry)}: it is outside the exports folder${context.roots.length === 1 ? '' : 's'} the server may read (${folderList(context.roots)}). Move or copy the export into ${context.roots.length === 1 ? 'that folder' : 'one of them'}, or add its folder to KARTRA_EXPORTS_DIR (${SETTING_HINT}).`,
  );
}

function accessError(named: string, code: string | undefined): UserError {
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(`Refused ${shown(named)}: this user may not read it. Give your user read access to it.`);
  }
  return new UserError(`Refused ${shown(named)}: it cannot be opened (${code ?? 'unknown error'}). Check the file and try again.`);
}

/**
 * Whether `candidate` is `folder` or lies inside it, comparing whole path segments. Both must be absolute and
 * normalised. `pathApi` is `path.win32` or `path.posix` in tests; `path.win32.relative` ignores letter case and
 * answers an absolute path for another drive.
 */
export function isInsideFolder(folder: string, candidate: string, pathApi: path.PlatformPath = path): boolean {
  const relative = pathApi.relative(folder, candidate);
  if (relative === '') return true;
  if (pathApi.isAbsolute(relative)) return false;
  return relative !== '..' && !relative.startsWith(`..${pathApi.sep}`);
}

/** A path from a tool argument or a folder listing, quoted, its control characters escaped, at most ~80 characters. */
function shown(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${clean.length > SHOWN_CHARS ? `${clean.slice(0, SHOWN_CHARS - 1)}…` : clean}"`;
}

function folderList(folders: readonly string[]): string {
  return folders.join(folders.length > 2 ? ', ' : ' and ');
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
