import { ConfigError, type ConnectRecord, defineConfig, string } from '@tributary/api';
import { defineSimpleTransform, TRANSFORMS_VERSION } from './support.js';

const regexRouterConfig = defineConfig({
  regex: string({
    importance: 'high',
    doc: 'Regular expression to use for matching; it must match the whole topic name.',
    validValues: 'valid regex',
    validate: (source) => regexProblem(source),
  }),
  replacement: string({
    importance: 'high',
    doc: 'Replacement string in Java syntax: `$1` inserts group 1, `$` with a group name in braces a named group, and a backslash escapes the next character.',
  }),
});

/**
 * Kafka's RegexRouter: when `regex` matches the whole topic, the topic becomes the first
 * match replaced by `replacement`, as Java's `Matcher.matches()` then `replaceFirst()`.
 */
export const regexRouter = defineSimpleTransform({
  name: 'RegexRouter',
  version: TRANSFORMS_VERSION,
  description: 'Renames the topic of records whose topic matches a regular expression',
  config: regexRouterConfig,
  create(config) {
    const { source, flags } = javaRegex(config.regex);
    const whole = new RegExp(`^(?:${source})$`, flags);
    const first = new RegExp(source, flags);
    const parts = compileReplacement(config.replacement, first);
    return <R extends ConnectRecord>(record: R): R => {
      if (!whole.test(record.topic)) return record;
      const m = first.exec(record.topic);
      if (m === null) return record;
      const replaced = parts
        .map((p) =>
          typeof p === 'string' ? p : ((typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? ''),
        )
        .join('');
      return {
        ...record,
        topic: record.topic.slice(0, m.index) + replaced + record.topic.slice(m.index + m[0].length),
      };
    };
  },
});

type ReplacementPart = string | { readonly group: number | string };

/**
 * The Java regex constructs JavaScript lacks and users write in topic patterns: leading
 * inline flags `(?i)`, `\Q…\E` quoting, `\A` and `\z`/`\Z` anchors. Escapes JavaScript would
 * silently read as a plain letter (`\p{Lower}`, `\h`, `\R`, `\X`, `\G`) are refused; the syntax
 * both share (classes, groups, lazy quantifiers, named groups) passes.
 */
function javaRegex(java: string): { source: string; flags: string } {
  let flags = '';
  let rest = java;
  const inline = /^\(\?([imsx]+)\)/.exec(rest);
  if (inline !== null) {
    const letters = inline[1] ?? '';
    if (letters.includes('x')) throw new Error("Inline flag 'x' (comments) is not supported");
    flags = [...new Set(letters)].join('');
    rest = rest.slice(inline[0].length);
  }
  let source = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charAt(i);
    if (c !== '\\') {
      source += c;
      continue;
    }
    const next = rest.charAt(i + 1);
    i += 1;
    if (next === 'Q') {
      const end = rest.indexOf('\\E', i + 1);
      const quoted = end < 0 ? rest.slice(i + 1) : rest.slice(i + 1, end);
      source += quoted.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
      i = end < 0 ? rest.length : end + 1;
    } else if ('pPhHRXG'.includes(next)) {
      throw new Error(`Java regex construct \\${next} is not supported`);
    } else if (next === 'A') source += '^';
    else if (next === 'z' || next === 'Z') source += '$';
    else source += `\\${next}`;
  }
  return { source, flags };
}

function regexProblem(java: string): string | undefined {
  try {
    const { source, flags } = javaRegex(java);
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    return `Invalid regular expression: ${(err as Error).message}`;
  }
}

/** Java's `Matcher.appendReplacement` syntax, checked against the regex's groups up front. */
function compileReplacement(replacement: string, regex: RegExp): ReplacementPart[] {
  const probe = new RegExp(`(?:${regex.source})|`, regex.flags).exec('');
  const groupCount = (probe?.length ?? 1) - 1;
  const names = new Set(Object.keys(probe?.groups ?? {}));
  const bad = (message: string): never => {
    throw new ConfigError([{ key: 'replacement', value: replacement, message }]);
  };
  const parts: ReplacementPart[] = [];
  let literal = '';
  let i = 0;
  while (i < replacement.length) {
    const c = replacement.charAt(i);
    if (c === '\\') {
      if (i + 1 >= replacement.length) bad('character to be escaped is missing');
      literal += replacement.charAt(i + 1);
      i += 2;
      continue;
    }
    if (c !== '$') {
      literal += c;
      i += 1;
      continue;
    }
    i += 1;
    let group: number | string;
    if (replacement.charAt(i) === '{') {
      const end = replacement.indexOf('}', i);
      if (end < 0) bad("named capturing group is missing trailing '}'");
      const name = replacement.slice(i + 1, end);
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) bad(`Illegal group name "${name}"`);
      if (!names.has(name)) bad(`No group with name {${name}} in regex`);
      group = name;
      i = end + 1;
    } else if (/\d/.test(replacement.charAt(i))) {
      let ref = Number(replacement.charAt(i));
      if (ref > groupCount) bad(`No group ${ref} in regex (it has ${groupCount})`);
      i += 1;
      // As Java: take more digits only while the number stays a valid group.
      while (/\d/.test(replacement.charAt(i))) {
        const longer = ref * 10 + Number(replacement.charAt(i));
        if (longer > groupCount) break;
        ref = longer;
        i += 1;
      }
      group = ref;
    } else {
      return bad(`Illegal group reference at position ${i - 1}: '$' must be followed by a group number or {name}`);
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push({ group });
  }
  if (literal !== '') parts.push(literal);
  return parts;
}
