<?php
/*
 * Builds the EspoCRM extension package ebla-chat-<version>.zip from this folder.
 *
 *   php espocrm/build.php [--out=DIR]     (default DIR: espocrm/build)
 *
 * The version is the extension's (PHP_EBLA_CHAT_VERSION in php_ebla_chat.h), so the package and the
 * engine it needs are released together. The zip holds manifest.json, files/ and scripts/ at its
 * root, as EspoCRM's extension installer wants; entries are sorted and dated with the newest
 * source file, so the same sources give the same zip. No PHP zip extension is needed.
 */

$root = dirname(__DIR__);
$here = __DIR__;
$out = $here . '/build';

foreach (array_slice($argv, 1) as $arg) {
    if (str_starts_with($arg, '--out=')) {
        $out = substr($arg, 6);
    } else {
        fwrite(STDERR, "usage: php espocrm/build.php [--out=DIR]\n");
        exit(2);
    }
}

$header = file_get_contents($root . '/php_ebla_chat.h');

if (!preg_match('/#define\s+PHP_EBLA_CHAT_VERSION\s+"([^"]+)"/', $header, $m)) {
    fwrite(STDERR, "build: PHP_EBLA_CHAT_VERSION not found in php_ebla_chat.h\n");
    exit(1);
}

$version = $m[1];

/** @return string[] paths relative to $base, sorted */
function listFiles(string $base, string $dir): array
{
    $list = [];
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($base . '/' . $dir, FilesystemIterator::SKIP_DOTS));

    foreach ($it as $file) {
        if ($file->isFile() && $file->getFilename() !== '.gitkeep') {
            $list[] = substr($file->getPathname(), strlen($base) + 1);
        }
    }

    sort($list, SORT_STRING);

    return $list;
}

$entries = [];
$newest = 0;

foreach (array_merge(listFiles($here, 'files'), listFiles($here, 'scripts')) as $path) {
    $data = file_get_contents($here . '/' . $path);

    if (str_ends_with($path, '.json')) {
        try {
            json_decode($data, false, 512, JSON_THROW_ON_ERROR);
        } catch (JsonException $e) {
            fwrite(STDERR, "build: $path: invalid JSON: {$e->getMessage()}\n");
            exit(1);
        }
    }

    $entries[$path] = $data;
    $newest = max($newest, filemtime($here . '/' . $path));
}

$manifest = json_decode(file_get_contents($here . '/manifest.json'), true, 512, JSON_THROW_ON_ERROR);
$manifest['version'] = $version;
$manifest['releaseDate'] = gmdate('Y-m-d', $newest ?: time());
$entries = ['manifest.json' => json_encode($manifest, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n"] + $entries;

/** A zip archive (deflate), written without ext/zip. */
function zipBuild(array $entries, int $time): string
{
    $t = getdate($time);
    $dosTime = ($t['hours'] << 11) | ($t['minutes'] << 5) | intdiv($t['seconds'], 2);
    $dosDate = (($t['year'] - 1980) << 9) | ($t['mon'] << 5) | $t['mday'];
    $body = '';
    $central = '';

    foreach ($entries as $name => $data) {
        $deflated = gzdeflate($data, 9);
        $crc = crc32($data);
        $offset = strlen($body);
        $common = pack('vvvvvVVVv', 20, 0x0800, 8, $dosTime, $dosDate, $crc, strlen($deflated), strlen($data), strlen($name));
        $body .= "PK\x03\x04" . $common . pack('v', 0) . $name . $deflated;
        $central .= "PK\x01\x02" . pack('v', 0x0314) . $common . pack('vvvvVV', 0, 0, 0, 0, 0100644 << 16, $offset) . $name;
    }

    return $body . $central . "PK\x05\x06" . pack('vvvvVVv', 0, 0, count($entries), count($entries), strlen($central), strlen($body), 0);
}

if (!is_dir($out) && !mkdir($out, 0777, true)) {
    fwrite(STDERR, "build: cannot create $out\n");
    exit(1);
}

$file = rtrim($out, '/') . "/ebla-chat-$version.zip";
file_put_contents($file, zipBuild($entries, $newest ?: time()));
echo $file, "\n";
