<?php
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/*
 * Checks composer.json, the package description PIE (PHP Installer for Extensions) installs from:
 *
 *   php scripts/check-composer.php
 *
 *   1. `composer validate --strict --no-check-publish`: Composer's own schema, name, license, constraints
 *   2. the php-ext section against scripts/php-ext.schema.json (PIE's rules; the Composer of Debian 12
 *      predates php-ext and cannot check it), with the JSON Schema validator Composer ships
 *   3. it says what the rest of the tree says: type php-ext, the extension name of config.m4,
 *      exactly config.m4's options (with a value for --with-*), package.xml's license, minimum PHP
 *      version and required extensions, and a LICENSE file of that license
 * Needs composer and php-json-schema (scripts/deps.sh).
 */

declare(strict_types=1);

const ROOT = __DIR__ . '/..';

$errors = [];
function fail(string $msg): never
{
    fwrite(STDERR, "check-composer: ERROR: $msg\n");
    exit(1);
}

// ---------------------------------------------------------------- 1. composer validate
if (trim((string) shell_exec('command -v composer')) === '') {
    fail('composer not found: run scripts/deps.sh');
}
exec('cd ' . escapeshellarg(ROOT) . ' && COMPOSER_ALLOW_SUPERUSER=1 composer validate --no-interaction --strict --no-check-publish 2>&1', $out, $rc);
if ($rc !== 0) {
    fail("composer validate failed:\n" . implode("\n", $out));
}

$json = json_decode((string) file_get_contents(ROOT . '/composer.json'));
if (!$json instanceof stdClass) {
    fail('composer.json is not a JSON object');
}

// ---------------------------------------------------------------- 2. the php-ext section
spl_autoload_register(function (string $class): void {
    if (str_starts_with($class, 'JsonSchema\\')) {
        $file = '/usr/share/php/' . str_replace('\\', '/', $class) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
if (!class_exists(JsonSchema\Validator::class)) {
    fail('JsonSchema\\Validator not found in /usr/share/php: install php-json-schema (scripts/deps.sh)');
}
$schema = json_decode((string) file_get_contents(__DIR__ . '/php-ext.schema.json'));
$phpExt = $json->{'php-ext'} ?? null;
if (!$phpExt instanceof stdClass) {
    $errors[] = 'no php-ext section';
} else {
    $validator = new JsonSchema\Validator();
    $validator->validate($phpExt, $schema);
    foreach ($validator->getErrors() as $e) {
        $errors[] = 'php-ext' . ($e['property'] !== '' ? '.' . $e['property'] : '') . ': ' . $e['message'];
    }
}

// ---------------------------------------------------------------- 3. agreement with the tree
if (($json->type ?? '') !== 'php-ext') {
    $errors[] = 'type must be "php-ext" (a PHP module, loaded with extension=)';
}
$m4 = (string) file_get_contents(ROOT . '/config.m4');
if (!preg_match('/PHP_NEW_EXTENSION\(\s*(\w+)/', $m4, $m)) {
    fail('no PHP_NEW_EXTENSION in config.m4');
}
$extName = $m[1];
if (($phpExt->{'extension-name'} ?? null) !== $extName) {
    $errors[] = "php-ext.extension-name must be \"$extName\" (config.m4's PHP_NEW_EXTENSION)";
}
// config.m4's options, but the extension's own --enable-<name> (on by default, nothing to pass).
preg_match_all('/PHP_ARG_(WITH|ENABLE)\(\s*\[?([\w-]+)\]?/', $m4, $args, PREG_SET_ORDER);
$m4Options = [];
foreach ($args as [, $kind, $name]) {
    if (!($kind === 'ENABLE' && str_replace('-', '_', $name) === $extName)) {
        $m4Options[strtolower($kind) . '-' . $name] = $kind === 'WITH';
    }
}
$options = [];
foreach ($phpExt->{'configure-options'} ?? [] as $o) {
    if (isset($o->name)) {
        $options[$o->name] = (bool) ($o->{'needs-value'} ?? false);
    }
}
foreach (array_diff_key($m4Options, $options) as $name => $_) {
    $errors[] = "config.m4 has --$name but php-ext.configure-options does not: PIE users could not pass it";
}
foreach (array_diff_key($options, $m4Options) as $name => $_) {
    $errors[] = "php-ext.configure-options has $name, which config.m4 does not define";
}
foreach (array_intersect_key($options, $m4Options) as $name => $needsValue) {
    if ($needsValue !== $m4Options[$name]) {
        $errors[] = "php-ext.configure-options $name: needs-value must be " . var_export($m4Options[$name], true);
    }
}

$xml = simplexml_load_file(ROOT . '/package.xml');
if ($xml === false) {
    fail('cannot read package.xml');
}
$xmlLicense = trim((string) $xml->license);
if (($json->license ?? null) !== $xmlLicense) {
    $errors[] = "license must be \"$xmlLicense\" (package.xml)";
}
$licenseText = @file_get_contents(ROOT . '/LICENSE');
if ($licenseText === false || !str_contains($licenseText, "$xmlLicense License")) {
    $errors[] = "LICENSE must hold the $xmlLicense License text";
}
$xmlMin = (string) $xml->dependencies->required->php->min;
$constraint = (string) ($json->require->php ?? '');
if (!preg_match('/^[\^~]?(?:>=)?\s*(\d+\.\d+)(?:\.\d+)?(?:\s|$|,|\|)/', $constraint, $c)
    || !str_starts_with($xmlMin, $c[1] . '.')) {
    $errors[] = "require.php \"$constraint\" must start at package.xml's minimum PHP $xmlMin";
}
foreach ($xml->dependencies->required->extension ?? [] as $ext) {
    if (!isset($json->require->{'ext-' . $ext->name})) {
        $errors[] = "require must list ext-{$ext->name} (package.xml requires it)";
    }
}

if ($errors) {
    fwrite(STDERR, "check-composer: composer.json is not right:\n  - " . implode("\n  - ", $errors) . "\n");
    exit(1);
}
echo "check-composer: composer.json is valid (composer validate, PIE's php-ext schema) and matches config.m4 and package.xml\n";
