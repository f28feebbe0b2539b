<?php
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/*
 * Keeps package.xml (PEAR package 2.0) in step with the repository.
 *
 *   php scripts/gen-package-xml.php           rewrite package.xml
 *   php scripts/gen-package-xml.php --check   fail, listing the differences, when package.xml is stale
 *
 * <contents> lists every file `git ls-files` knows (plus new, not ignored ones) that a PECL user needs (sources, config.m4,
 * composer.json, LICENSE, stubs, tests, docs, examples); repository-only tooling (.ci/, scripts/, bench/, ...)
 * is left out. Roles: tests/ -> test; README*, LICENSE*, CHANGELOG*, docs/, examples/ -> doc;
 * everything else -> src. The version comes from PHP_EBLA_CHAT_VERSION in php_ebla_chat.h; when it
 * changes, the previous release moves into <changelog> and <date> becomes today. Notes, date and
 * changelog of an unchanged version are kept, so regenerating is stable.
 */

declare(strict_types=1);

const ROOT = __DIR__ . '/..';
const PACKAGE_XML = ROOT . '/package.xml';
const HEADER = ROOT . '/php_ebla_chat.h';

/** Paths (prefixes) that stay in the repository and are not shipped to PECL users. */
const EXCLUDED = ['package.xml', '.gitignore', '.gitattributes', '.ci/', '.github/', 'scripts/', 'bench/'];

function fail(string $msg): never
{
    fwrite(STDERR, "gen-package-xml: $msg\n");
    exit(1);
}

function x(string $s): string
{
    return htmlspecialchars($s, ENT_XML1 | ENT_QUOTES, 'UTF-8');
}

function header_version(): string
{
    $h = @file_get_contents(HEADER);
    if ($h === false || !preg_match('/^#define\s+PHP_EBLA_CHAT_VERSION\s+"([0-9]+\.[0-9]+\.[0-9]+(?:[a-zA-Z0-9.-]*)?)"/m', $h, $m)) {
        fail('cannot read #define PHP_EBLA_CHAT_VERSION "x.y.z" from php_ebla_chat.h');
    }
    return $m[1];
}

/** Files to ship, with their PEAR role, sorted. */
function shipped_files(): array
{
    // Tracked files plus new files not yet added (but not ignored ones): what `git add -A` would
    // commit. On a clean clone (CI) that is exactly `git ls-files`.
    $cmd = 'git -C ' . escapeshellarg(ROOT) . ' ls-files -z --cached --others --exclude-standard 2>&1';
    exec($cmd, $lines, $rc);
    if ($rc !== 0) {
        fail("`git ls-files` failed (not a git checkout?):\n" . implode("\n", $lines));
    }
    $files = [];
    foreach (array_filter(explode("\0", implode("\n", $lines))) as $path) {
        foreach (EXCLUDED as $ex) {
            if ($path === $ex || (str_ends_with($ex, '/') && str_starts_with($path, $ex))) {
                continue 2;
            }
        }
        $files[$path] = role_of($path);
    }
    ksort($files, SORT_STRING);
    return $files;
}

function role_of(string $path): string
{
    if (str_starts_with($path, 'tests/')) {
        return 'test';
    }
    if (preg_match('~^(README|LICENSE|CHANGELOG|NEWS|CREDITS)([.-][^/]*)?$~i', $path)
        || str_starts_with($path, 'docs/') || str_starts_with($path, 'examples/')) {
        return 'doc';
    }
    return 'src';
}

/** What the current package.xml says (files with roles, release facts, changelog), or null. */
function read_package(): ?array
{
    if (!is_file(PACKAGE_XML)) {
        return null;
    }
    $doc = new DOMDocument();
    if (!@$doc->load(PACKAGE_XML)) {
        fail('package.xml is not well-formed XML');
    }
    $xp = new DOMXPath($doc);
    $xp->registerNamespace('p', 'http://pear.php.net/dtd/package-2.0');
    $text = fn (string $q, ?DOMNode $ctx = null) => trim((string) $xp->evaluate("string($q)", $ctx));
    $files = [];
    foreach ($xp->query('/p:package/p:contents//p:file') as $f) {
        // Nested <dir> elements are allowed by PEAR; rebuild the full path.
        $parts = [$f->getAttribute('name')];
        foreach ($xp->query('ancestor::p:dir', $f) as $d) {
            $parts[] = $d->getAttribute('name');
        }
        $path = implode('/', array_filter(array_reverse($parts), fn ($p) => $p !== '/' && $p !== ''));
        $files[preg_replace('~/+~', '/', ltrim($path, '/'))] = $f->getAttribute('role');
    }
    $changelog = [];
    foreach ($xp->query('/p:package/p:changelog/p:release') as $r) {
        $changelog[] = [
            'version' => $text('p:version/p:release', $r),
            'stability' => $text('p:stability/p:release', $r),
            'date' => $text('p:date', $r),
            'notes' => notes_text($text('p:notes', $r)),
        ];
    }
    return [
        'version' => $text('/p:package/p:version/p:release'),
        'stability' => $text('/p:package/p:stability/p:release'),
        'date' => $text('/p:package/p:date'),
        'notes' => notes_text($text('/p:package/p:notes')),
        'files' => $files,
        'changelog' => $changelog,
    ];
}

/** Notes as plain lines without the indentation render() adds. */
function notes_text(string $notes): string
{
    return implode("\n", array_map('trim', explode("\n", trim($notes))));
}

function indent_notes(string $notes, string $pad): string
{
    return implode("\n", array_map(fn ($l) => $l === '' ? '' : $pad . x($l), explode("\n", $notes)));
}

function render(string $version, string $stability, string $date, string $notes, array $files, array $changelog): string
{
    $contents = '';
    foreach ($files as $path => $role) {
        $contents .= '   <file name="' . x($path) . '" role="' . $role . "\"/>\n";
    }
    $releases = '';
    foreach ($changelog as $r) {
        $rn = indent_notes($r['notes'], '    ');
        $releases .= <<<XML
  <release>
   <version>
    <release>{$r['version']}</release>
    <api>{$r['version']}</api>
   </version>
   <stability>
    <release>{$r['stability']}</release>
    <api>{$r['stability']}</api>
   </stability>
   <date>{$r['date']}</date>
   <license uri="https://opensource.org/licenses/MIT">MIT</license>
   <notes>
{$rn}
   </notes>
  </release>

XML;
    }
    $notesXml = indent_notes($notes, '  ');
    return <<<XML
<?xml version="1.0" encoding="UTF-8"?>
<package packagerversion="1.10.13" version="2.0" xmlns="http://pear.php.net/dtd/package-2.0" xmlns:tasks="http://pear.php.net/dtd/tasks-1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://pear.php.net/dtd/tasks-1.0 http://pear.php.net/dtd/tasks-1.0.xsd http://pear.php.net/dtd/package-2.0 http://pear.php.net/dtd/package-2.0.xsd">
 <!-- Generated by scripts/gen-package-xml.php: edit that script (or the notes below), then rerun it. -->
 <name>ebla_chat</name>
 <channel>pecl.php.net</channel>
 <summary>Chat engine for EspoCRM: dialogs, messages, unread counts, ACL and Redis fan-out in C</summary>
 <description>ebla_chat is the engine of an internal real-time chat for EspoCRM. It stores dialogs and
 messages in EspoCRM's own tables (messages are stream posts) through the caller's PDO connection,
 keeps unread counts, enforces EspoCRM's user-visibility rules and fans events out to every
 recipient through Redis pub/sub for the WebSocket tier, with a polling fallback.
 Requires ext/pdo, hiredis and libuuid.</description>
 <lead>
  <name>Ebla Chat team</name>
  <user>eblachat</user>
  <email>team@ebla.chat</email>
  <active>yes</active>
 </lead>
 <date>{$date}</date>
 <version>
  <release>{$version}</release>
  <api>{$version}</api>
 </version>
 <stability>
  <release>{$stability}</release>
  <api>{$stability}</api>
 </stability>
 <license uri="https://opensource.org/licenses/MIT">MIT</license>
 <notes>
{$notesXml}
 </notes>
 <contents>
  <dir name="/">
{$contents}  </dir>
 </contents>
 <dependencies>
  <required>
   <php>
    <min>8.2.0</min>
   </php>
   <pearinstaller>
    <min>1.10.0</min>
   </pearinstaller>
   <extension>
    <name>pdo</name>
   </extension>
  </required>
 </dependencies>
 <providesextension>ebla_chat</providesextension>
 <extsrcrelease>
  <configureoption name="with-hiredis" default="autodetect" prompt="hiredis install prefix (autodetect uses pkg-config)"/>
  <configureoption name="with-uuid" default="autodetect" prompt="libuuid install prefix (autodetect uses pkg-config)"/>
 </extsrcrelease>
 <changelog>
{$releases} </changelog>
</package>

XML;
}

function stability_of(string $version): string
{
    if (preg_match('/(alpha|beta|RC)/i', $version, $m)) {
        return strtolower($m[1]) === 'rc' ? 'beta' : strtolower($m[1]);
    }
    return version_compare($version, '1.0.0', '<') ? 'alpha' : 'stable';
}

// ---------------------------------------------------------------------------- main
$check = in_array('--check', array_slice($argv, 1), true);
$version = header_version();
$files = shipped_files();
$old = read_package();

if ($check) {
    if ($old === null) {
        fail('package.xml is missing; run php scripts/gen-package-xml.php');
    }
    $problems = [];
    foreach (array_diff_key($files, $old['files']) as $path => $role) {
        $problems[] = "missing from package.xml: $path (role $role)";
    }
    foreach (array_diff_key($old['files'], $files) as $path => $role) {
        $problems[] = "in package.xml but not in the repository: $path";
    }
    foreach (array_intersect_key($files, $old['files']) as $path => $role) {
        if ($old['files'][$path] !== $role) {
            $problems[] = "wrong role for $path: {$old['files'][$path]}, expected $role";
        }
    }
    if ($old['version'] !== $version) {
        $problems[] = "package.xml release {$old['version']} differs from PHP_EBLA_CHAT_VERSION $version in php_ebla_chat.h";
    }
    if (!in_array($version, array_column($old['changelog'], 'version'), true)) {
        $problems[] = "the changelog has no entry for $version";
    }
    if ($problems) {
        fwrite(STDERR, "gen-package-xml: package.xml is out of date; run php scripts/gen-package-xml.php and commit it:\n");
        foreach ($problems as $p) {
            fwrite(STDERR, "  - $p\n");
        }
        exit(1);
    }
    echo 'gen-package-xml: package.xml lists all ' . count($files) . " shipped files, version $version\n";
    exit(0);
}

$today = gmdate('Y-m-d');
$stability = stability_of($version);
if ($old !== null && $old['version'] === $version) {
    $date = $old['date'] ?: $today;
    $notes = $old['notes'] ?: "Release $version.";
    $changelog = $old['changelog'];
} else {
    $date = $today;
    $notes = $old === null ? "First release: dialogs, messages, unread counts, popups, ACL and Redis fan-out for EspoCRM."
                           : "Release $version.";
    $changelog = $old['changelog'] ?? [];
}
// The current release is always the first changelog entry, with the same notes.
$changelog = array_values(array_filter($changelog, fn ($r) => $r['version'] !== $version));
array_unshift($changelog, ['version' => $version, 'stability' => $stability, 'date' => $date, 'notes' => $notes]);

$xml = render($version, $stability, $date, $notes, $files, $changelog);
if (is_file(PACKAGE_XML) && file_get_contents(PACKAGE_XML) === $xml) {
    echo "gen-package-xml: package.xml already up to date (" . count($files) . " files, version $version)\n";
    exit(0);
}
file_put_contents(PACKAGE_XML, $xml);
echo "gen-package-xml: wrote package.xml (" . count($files) . " files, version $version)\n";
