// Rewrites records exactly as Decap CMS 3.16.3 saves them, with the libraries it bundles
// (yaml 1.x, gray-matter and immutable, from this folder's node_modules): the same code path as
// decap-cms-core/src/formats/yaml.ts, frontmatter.ts and Backend.entryToRaw. Called by `rightsite fmt` and
// `rightsite check` (scripts/rightsite/fmt.py).
//
// stdin:  JSON [{"path": "...", "text": "...", "format": "yml" | "frontmatter", "sorted": ["id", ...]}]
// stdout: JSON [{"path": "...", "text": "..."} | {"path": "...", "error": "..."}]
'use strict';

const yaml = require('yaml');
const matter = require('gray-matter');
const { fromJS } = require('immutable');

function sortKeys(sortedKeys, selector) {
  return (a, b) => {
    const idxA = sortedKeys.indexOf(selector(a));
    const idxB = sortedKeys.indexOf(selector(b));
    if (idxA === -1 || idxB === -1) return 0;
    if (idxA > idxB) return 1;
    if (idxA < idxB) return -1;
    return 0;
  };
}

const timestampTag = {
  identify: value => value instanceof Date,
  default: true,
  tag: '!timestamp',
  test: RegExp('^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2}(\\.[0-9]+)?)Z$'),
  resolve: str => new Date(str),
  stringify: value => value.toISOString(),
};

const yamlFormatter = {
  fromFile(content) {
    if (content && content.trim().endsWith('---')) {
      content = content.trim().slice(0, -3);
    }
    const doc = yaml.parseDocument(content, { customTags: [timestampTag], prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new Error(`YAML parsing error:\n${doc.errors.map(e => e.message).join('\n')}`);
    }
    return doc.toJSON();
  },
  toFile(data, sortedKeys = []) {
    const contents = yaml.createNode(data);
    contents.items.sort(sortKeys(sortedKeys, item => item.key && item.key.toString()));
    const doc = new yaml.Document();
    doc.contents = contents;
    return doc.toString();
  },
};

const engines = {
  yaml: {
    parse: input => yamlFormatter.fromFile(input),
    stringify: (metadata, opts) => yamlFormatter.toFile(metadata, (opts || {}).sortedKeys),
  },
};

const frontmatter = {
  fromFile(content) {
    const result = matter(content, { engines, language: 'yaml', delimiters: '---' });
    return { ...result.data, ...(result.content.trim() && { body: result.content }) };
  },
  toFile(data, sortedKeys) {
    const { body = '', ...meta } = data;
    const trimLastLineBreak = body.slice(-1) !== '\n';
    const file = matter.stringify(body, meta, { engines, sortedKeys, language: 'yaml', delimiters: '---' });
    return trimLastLineBreak && file.slice(-1) === '\n' ? file.slice(0, -1) : file;
  },
};

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => (input += chunk));
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(({ path, text, format, sorted }) => {
    try {
      const f = format === 'frontmatter' ? frontmatter : yamlFormatter;
      matter.clearCache && matter.clearCache();
      // The editor holds an entry as an Immutable.js Map (fromJS) and saves entry.get('data').toJS():
      // a map of more than 8 keys iterates in hash order, not in file order (decap-cms-core backend.ts).
      const data = fromJS(f.fromFile(text)).toJS();
      let content = f.toFile(data, sorted);
      if (content.slice(-1) != '\n') content += '\n'; // entryToRaw adds the final newline
      return { path, text: content };
    } catch (e) {
      return { path, error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
