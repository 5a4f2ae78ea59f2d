/** Writing Java `.properties` files, as a worker reads them. */
import { writeFile } from 'node:fs/promises';

function escapeText(text: string, isKey: boolean): string {
  let out = '';
  for (const [i, ch] of [...text].entries()) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (isKey && (ch === '=' || ch === ':' || ch === ' ')) out += `\\${ch}`;
    else if ((isKey || i === 0) && (ch === '#' || ch === '!' || (ch === ' ' && i === 0))) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** `props` as the text of a `.properties` file. */
export function toProperties(props: Readonly<Record<string, string>>): string {
  return Object.entries(props)
    .map(([k, v]) => `${escapeText(k, true)}=${escapeText(v, false)}\n`)
    .join('');
}

export async function writePropertiesFile(path: string, props: Readonly<Record<string, string>>): Promise<void> {
  await writeFile(path, toProperties(props), 'utf8');
}
