#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Checks the EspoCRM package's client code without an EspoCRM:
#  - `node --check` on every client JavaScript file (AMD modules are plain scripts: no import/export);
#  - each file defines the module id its path gives (ebla-chat:<path without .js>);
#  - every ebla-chat: view, controller, module and template named in the package's metadata or in a
#    client file exists in the package;
#  - every metadata and i18n file is valid JSON;
#  - every en_US label or message the client asks for in the EblaChat scope is in EblaChat.json.
# Prints one line per problem and "check-espocrm-client: N files, N references, ok" at the end;
# exits 1 when there is a problem.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLIENT="$ROOT/espocrm/files/client/custom/modules/ebla-chat"
RESOURCES="$ROOT/espocrm/files/custom/Espo/Modules/EblaChat/Resources"

command -v node >/dev/null || { echo "check-espocrm-client: node is not installed (apt-get install nodejs)" >&2; exit 1; }
[ -d "$CLIENT/src" ] || { echo "check-espocrm-client: $CLIENT/src is missing" >&2; exit 1; }

status=0
while IFS= read -r -d '' file; do
  if ! out=$(node --check "$file" 2>&1); then
    echo "syntax: ${file#"$ROOT"/}: $out"
    status=1
  fi
done < <(find "$CLIENT/src" -name '*.js' -print0 | sort -z)

node - "$CLIENT" "$RESOURCES" "$ROOT" <<'EOF' || status=1
'use strict';
const fs = require('fs');
const path = require('path');
const [client, resources, root] = process.argv.slice(2);
const problems = [];
let references = 0;

function walk(dir, ext) {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, {withFileTypes: true}).flatMap(e => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? walk(p, ext) : (p.endsWith(ext) ? [p] : []);
    }).sort();
}

const rel = p => path.relative(root, p);
const jsFiles = walk(path.join(client, 'src'), '.js');
const tplFiles = walk(path.join(client, 'res', 'templates'), '.tpl');

function moduleExists(id) {
    return fs.existsSync(path.join(client, 'src', id + '.js'));
}

function templateExists(id) {
    return fs.existsSync(path.join(client, 'res', 'templates', id + '.tpl'));
}

function checkRef(kind, id, where) {
    references++;
    const ok = kind === 'template' ? templateExists(id) : moduleExists(id);
    if (!ok) problems.push(`missing ${kind}: ebla-chat:${id} (named in ${where})`);
}

// Client files: module id, no ES module syntax, dependencies and templates.
for (const file of jsFiles) {
    const source = fs.readFileSync(file, 'utf8');
    const id = path.relative(path.join(client, 'src'), file).replace(/\\/g, '/').replace(/\.js$/, '');
    const m = /\bdefine\(\s*'([^']+)'\s*,\s*\[([^\]]*)\]/.exec(source);

    if (!m) {
        problems.push(`${rel(file)}: no define('ebla-chat:${id}', [...], ...)`);
        continue;
    }
    if (m[1] !== 'ebla-chat:' + id) {
        problems.push(`${rel(file)}: defines '${m[1]}', its path says 'ebla-chat:${id}'`);
    }
    if (/^\s*(import|export)\s/m.test(source)) {
        problems.push(`${rel(file)}: import/export (EspoCRM runs these files as plain scripts)`);
    }
    for (const dep of m[2].split(',').map(s => s.trim().replace(/^'|'$/g, '')).filter(Boolean)) {
        if (dep.startsWith('ebla-chat:')) checkRef('module', dep.slice(10), rel(file));
    }
    for (const t of source.matchAll(/template\s*=\s*'ebla-chat:([^']+)'/g)) {
        checkRef('template', t[1], rel(file));
    }
    for (const v of source.matchAll(/'ebla-chat:((?:views|controllers)\/[^']+)'/g)) {
        checkRef('module', v[1], rel(file));
    }
}

// Metadata and i18n: valid JSON; every ebla-chat: id named there exists.
const jsonFiles = walk(path.join(resources, 'metadata'), '.json').concat(walk(path.join(resources, 'i18n'), '.json'));
const parsed = {};

for (const file of jsonFiles) {
    let data;
    try {
        data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
        problems.push(`${rel(file)}: invalid JSON: ${e.message}`);
        continue;
    }
    parsed[file] = data;
    const visit = (value, key) => {
        if (typeof value === 'string' && value.startsWith('ebla-chat:')) {
            const id = value.slice(10);
            if (/^(views|controllers|handlers)\//.test(id) || key === 'view' || key === 'controller') {
                checkRef('module', id, rel(file));
            } else if (key === 'template') {
                checkRef('template', id, rel(file));
            } else {
                checkRef('module', id, rel(file));
            }
        } else if (Array.isArray(value)) {
            value.forEach(v => visit(v, key));
        } else if (value && typeof value === 'object') {
            Object.entries(value).forEach(([k, v]) => visit(v, k));
        }
    };
    visit(data, '');
}

// Field types used in entityDefs exist in metadata/fields or are EspoCRM's.
const fieldTypes = walk(path.join(resources, 'metadata', 'fields'), '.json').map(f => path.basename(f, '.json'));
for (const file of walk(path.join(resources, 'metadata', 'entityDefs'), '.json')) {
    const fields = (parsed[file] || {}).fields || {};
    for (const [name, defs] of Object.entries(fields)) {
        if (defs && typeof defs.type === 'string' && defs.type.startsWith('eblaChat') && !fieldTypes.includes(defs.type)) {
            problems.push(`${rel(file)}: field ${name} has type ${defs.type}, no metadata/fields/${defs.type}.json`);
        }
    }
}

// Texts the client asks for in the EblaChat scope.
const i18nFile = path.join(resources, 'i18n', 'en_US', 'EblaChat.json');
const i18n = parsed[i18nFile] || {};
const sources = jsFiles.concat(tplFiles).map(f => [f, fs.readFileSync(f, 'utf8')]);

for (const [file, source] of sources) {
    for (const t of source.matchAll(/translate\('([^']+)', '(labels|messages)', 'EblaChat'\)/g)) {
        references++;
        if (!(i18n[t[2]] && t[1] in i18n[t[2]])) problems.push(`${rel(file)}: no en_US text EblaChat.${t[2]}.${t[1]}`);
    }
    for (const t of source.matchAll(/translate '([^']+)' scope='EblaChat'/g)) {
        references++;
        if (!(i18n.labels && t[1] in i18n.labels)) problems.push(`${rel(file)}: no en_US text EblaChat.labels.${t[1]}`);
    }
}

problems.forEach(p => console.log(p));

if (problems.length) {
    console.log(`check-espocrm-client: ${problems.length} problem(s)`);
    process.exit(1);
}

console.log(`check-espocrm-client: ${jsFiles.length} scripts, ${tplFiles.length} templates, ${jsonFiles.length} JSON files, ${references} references, ok`);
EOF

exit "$status"
