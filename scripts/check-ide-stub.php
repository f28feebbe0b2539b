<?php
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/*
 * Checks that the IDE stub (stubs/ebla_chat.php) describes exactly what the built extension
 * provides: every function, constant, class and interface, with the same parameter names, types,
 * defaults, by-reference flags and return types, and nothing more.
 *
 *   php -d extension=modules/ebla_chat.so scripts/check-ide-stub.php [stubs/ebla_chat.php]
 *
 * The stub cannot be loaded next to the extension (its declarations would clash), so a child PHP
 * without the extension (-n) includes it and reports what it declared; this process describes the
 * loaded extension with Reflection in the same shape and prints the differences.
 * Exit 0 when they match, 1 with a list of differences, 2 on usage errors.
 */

declare(strict_types=1);

const EXTENSION = 'ebla_chat';

/** A type as a canonical string: nullable and union members sorted, so ?a and a|null compare equal. */
function type_str(?ReflectionType $t): string
{
    if ($t === null) {
        return '-';
    }
    if ($t instanceof ReflectionUnionType || $t instanceof ReflectionIntersectionType) {
        $sep = $t instanceof ReflectionUnionType ? '|' : '&';
        $parts = array_map(fn ($x) => $x instanceof ReflectionNamedType ? ltrim($x->getName(), '\\') : '(' . type_str($x) . ')', $t->getTypes());
        sort($parts);
        return implode($sep, $parts);
    }
    $name = ltrim($t->getName(), '\\');
    if ($t->allowsNull() && !in_array($name, ['mixed', 'null'], true)) {
        $parts = [$name, 'null'];
        sort($parts);
        return implode('|', $parts);
    }
    return $name;
}

/** A value on one line, for messages and comparison. */
function export(mixed $v): string
{
    return preg_replace('/\s+/', ' ', var_export($v, true));
}

function default_str(ReflectionParameter $p): ?string
{
    if ($p->isVariadic() || !$p->isOptional()) {
        return null;
    }
    if (!$p->isDefaultValueAvailable()) {
        return '<none>';
    }
    try {
        if ($p->isDefaultValueConstant()) {
            return 'const ' . ltrim((string) $p->getDefaultValueConstantName(), '\\');
        }
        return export($p->getDefaultValue());
    } catch (Throwable $e) {
        return '<unevaluable: ' . $e->getMessage() . '>';
    }
}

function describe_function(ReflectionFunctionAbstract $f): array
{
    $params = [];
    foreach ($f->getParameters() as $p) {
        $params[] = [
            'name' => $p->getName(),
            'type' => type_str($p->getType()),
            'default' => default_str($p),
            'byref' => $p->isPassedByReference(),
            'variadic' => $p->isVariadic(),
        ];
    }
    $return = $f->hasReturnType() ? type_str($f->getReturnType())
        : ($f->hasTentativeReturnType() ? type_str($f->getTentativeReturnType()) : '-');
    $d = ['params' => $params, 'return' => $return, 'byref_return' => $f->returnsReference()];
    if ($f instanceof ReflectionMethod) {
        $d['modifiers'] = implode(' ', Reflection::getModifierNames($f->getModifiers()));
    }
    return $d;
}

function describe_class(ReflectionClass $c): array
{
    $kind = $c->isInterface() ? 'interface' : ($c->isTrait() ? 'trait' : ($c->isEnum() ? 'enum' : 'class'));
    $interfaces = $c->getInterfaceNames();
    sort($interfaces);
    $d = [
        'kind' => $kind,
        'modifiers' => $kind === 'class' ? implode(' ', Reflection::getModifierNames($c->getModifiers())) : '',
        'parent' => $c->getParentClass() ? $c->getParentClass()->getName() : '-',
        'interfaces' => implode(', ', $interfaces),
        'constants' => [],
        'properties' => [],
        'methods' => [],
    ];
    foreach ($c->getReflectionConstants() as $k) {
        if ($k->getDeclaringClass()->getName() === $c->getName()) {
            $d['constants'][$k->getName()] = export($k->getValue());
        }
    }
    foreach ($c->getProperties() as $p) {
        if ($p->getDeclaringClass()->getName() === $c->getName()) {
            $d['properties'][$p->getName()] = implode(' ', Reflection::getModifierNames($p->getModifiers()))
                . ' ' . type_str($p->getType())
                . ($p->hasDefaultValue() ? ' = ' . export($p->getDefaultValue()) : '');
        }
    }
    foreach ($c->getMethods() as $m) {
        if ($m->getDeclaringClass()->getName() === $c->getName()) {
            $d['methods'][strtolower($m->getName())] = ['name' => $m->getName()] + describe_function($m);
        }
    }
    ksort($d['constants']);
    ksort($d['properties']);
    ksort($d['methods']);
    return $d;
}

/** What the loaded extension provides. */
function describe_extension(): array
{
    $ext = new ReflectionExtension(EXTENSION);
    $model = ['functions' => [], 'classes' => [], 'constants' => []];
    foreach ($ext->getFunctions() as $f) {
        $model['functions'][strtolower($f->getName())] = ['name' => $f->getName()] + describe_function($f);
    }
    foreach ($ext->getClassNames() as $name) {
        $model['classes'][strtolower($name)] = ['name' => $name] + describe_class(new ReflectionClass($name));
    }
    foreach ($ext->getConstants() as $name => $value) {
        $model['constants'][$name] = export($value);
    }
    return $model;
}

/** Child mode: what the IDE stub declares. */
function describe_stub(string $file): array
{
    $functions = get_defined_functions()['user'];
    $classes = array_merge(get_declared_classes(), get_declared_interfaces(), get_declared_traits());
    $constants = array_keys(get_defined_constants());
    require $file;
    $model = ['functions' => [], 'classes' => [], 'constants' => []];
    foreach (array_diff(get_defined_functions()['user'], $functions) as $name) {
        $f = new ReflectionFunction($name);
        $model['functions'][strtolower($f->getName())] = ['name' => $f->getName()] + describe_function($f);
    }
    $now = array_merge(get_declared_classes(), get_declared_interfaces(), get_declared_traits());
    foreach (array_diff($now, $classes) as $name) {
        $c = new ReflectionClass($name);
        $model['classes'][strtolower($c->getName())] = ['name' => $c->getName()] + describe_class($c);
    }
    foreach (get_defined_constants() as $name => $value) {
        if (!in_array($name, $constants, true)) {
            $model['constants'][$name] = export($value);
        }
    }
    return $model;
}

/** Differences between two described functions/methods, as readable lines. */
function diff_function(string $what, array $ext, array $stub): array
{
    $out = [];
    if ($ext['name'] !== $stub['name']) {
        $out[] = "$what: name spelled {$stub['name']} in the stub, {$ext['name']} in the extension";
    }
    foreach (['return' => 'return type', 'byref_return' => 'return by reference', 'modifiers' => 'modifiers'] as $k => $label) {
        if (($ext[$k] ?? null) !== ($stub[$k] ?? null)) {
            $out[] = "$what: $label is " . json_encode($stub[$k] ?? null) . ' in the stub, ' . json_encode($ext[$k] ?? null) . ' in the extension';
        }
    }
    $n = max(count($ext['params']), count($stub['params']));
    for ($i = 0; $i < $n; $i++) {
        $e = $ext['params'][$i] ?? null;
        $s = $stub['params'][$i] ?? null;
        $pos = $i + 1;
        if ($e === null) {
            $out[] = "$what: parameter #$pos \${$s['name']} is only in the stub";
            continue;
        }
        if ($s === null) {
            $out[] = "$what: parameter #$pos \${$e['name']} is missing from the stub";
            continue;
        }
        foreach (['name' => 'name', 'type' => 'type', 'default' => 'default', 'byref' => 'by-reference', 'variadic' => 'variadic'] as $k => $label) {
            if ($e[$k] !== $s[$k]) {
                $out[] = "$what: parameter #$pos \${$e['name']} $label is " . json_encode($s[$k]) . ' in the stub, ' . json_encode($e[$k]) . ' in the extension';
            }
        }
    }
    return $out;
}

function diff_models(array $ext, array $stub): array
{
    $out = [];
    foreach (array_diff_key($ext['functions'], $stub['functions']) as $f) {
        $out[] = "function {$f['name']}() is missing from the stub";
    }
    foreach (array_diff_key($stub['functions'], $ext['functions']) as $f) {
        $out[] = "function {$f['name']}() is in the stub but not in the extension";
    }
    foreach (array_intersect_key($ext['functions'], $stub['functions']) as $k => $f) {
        array_push($out, ...diff_function("function {$f['name']}()", $f, $stub['functions'][$k]));
    }

    foreach (array_diff_key($ext['constants'], $stub['constants']) as $name => $v) {
        $out[] = "constant $name is missing from the stub";
    }
    foreach (array_diff_key($stub['constants'], $ext['constants']) as $name => $v) {
        $out[] = "constant $name is in the stub but not in the extension";
    }
    foreach (array_intersect_key($ext['constants'], $stub['constants']) as $name => $v) {
        if ($v !== $stub['constants'][$name]) {
            $out[] = "constant $name is {$stub['constants'][$name]} in the stub, $v in the extension";
        }
    }

    foreach (array_diff_key($ext['classes'], $stub['classes']) as $c) {
        $out[] = "{$c['kind']} {$c['name']} is missing from the stub";
    }
    foreach (array_diff_key($stub['classes'], $ext['classes']) as $c) {
        $out[] = "{$c['kind']} {$c['name']} is in the stub but not in the extension";
    }
    foreach (array_intersect_key($ext['classes'], $stub['classes']) as $k => $e) {
        $s = $stub['classes'][$k];
        $what = "{$e['kind']} {$e['name']}";
        foreach (['name', 'kind', 'modifiers', 'parent', 'interfaces'] as $field) {
            if ($e[$field] !== $s[$field]) {
                $out[] = "$what: $field is " . json_encode($s[$field]) . ' in the stub, ' . json_encode($e[$field]) . ' in the extension';
            }
        }
        foreach (['constants' => 'constant', 'properties' => 'property'] as $field => $label) {
            foreach (array_diff_key($e[$field], $s[$field]) as $name => $v) {
                $out[] = "$what: $label $name is missing from the stub";
            }
            foreach (array_diff_key($s[$field], $e[$field]) as $name => $v) {
                $out[] = "$what: $label $name is in the stub but not in the extension";
            }
            foreach (array_intersect_key($e[$field], $s[$field]) as $name => $v) {
                if ($v !== $s[$field][$name]) {
                    $out[] = "$what: $label $name is {$s[$field][$name]} in the stub, $v in the extension";
                }
            }
        }
        foreach (array_diff_key($e['methods'], $s['methods']) as $m) {
            $out[] = "$what: method {$m['name']}() is missing from the stub";
        }
        foreach (array_diff_key($s['methods'], $e['methods']) as $m) {
            $out[] = "$what: method {$m['name']}() is in the stub but not in the extension";
        }
        foreach (array_intersect_key($e['methods'], $s['methods']) as $mk => $m) {
            array_push($out, ...diff_function("{$e['name']}::{$m['name']}()", $m, $s['methods'][$mk]));
        }
    }
    return $out;
}

// ---------------------------------------------------------------------------- main
if (($argv[1] ?? '') === '--describe-stub') {
    echo json_encode(describe_stub($argv[2]), JSON_THROW_ON_ERROR);
    exit(0);
}

$stubFile = $argv[1] ?? dirname(__DIR__) . '/stubs/ebla_chat.php';
if (!is_file($stubFile)) {
    fwrite(STDERR, "check-ide-stub: $stubFile not found\n");
    exit(2);
}
if (!extension_loaded(EXTENSION)) {
    fwrite(STDERR, "check-ide-stub: the " . EXTENSION . " extension is not loaded; run\n"
        . "  php -d extension=modules/" . EXTENSION . ".so " . $argv[0] . "\n");
    exit(2);
}

// The child runs without any php.ini (-n) so the extension cannot be loaded twice; pdo is added
// back when it is a shared module, for stubs that mention PDO in constant expressions.
$cmd = [PHP_BINARY, '-n', '-d', 'display_errors=stderr', '-d', 'error_reporting=-1'];
if (is_file(ini_get('extension_dir') . '/pdo.so')) {
    array_push($cmd, '-d', 'extension_dir=' . ini_get('extension_dir'), '-d', 'extension=pdo');
}
array_push($cmd, __FILE__, '--describe-stub', realpath($stubFile));
$proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$json = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
$rc = proc_close($proc);
if ($rc !== 0 || $err !== '') {
    fwrite(STDERR, "check-ide-stub: including $stubFile failed (exit $rc):\n$err$json\n");
    exit(1);
}
$stub = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
$ext = describe_extension();

$diffs = diff_models($ext, $stub);
$counts = sprintf('%d functions, %d constants, %d classes/interfaces',
    count($ext['functions']), count($ext['constants']), count($ext['classes']));
if ($diffs) {
    fwrite(STDERR, "check-ide-stub: $stubFile does not match the loaded " . EXTENSION . " ($counts):\n");
    foreach ($diffs as $d) {
        fwrite(STDERR, "  - $d\n");
    }
    exit(1);
}
echo "check-ide-stub: $stubFile matches the extension ($counts)\n";
exit(0);
