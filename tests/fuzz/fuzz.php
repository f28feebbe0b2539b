<?php
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/*
 * Fuzz harness: calls every public function of ebla_chat with random and adversarial arguments
 * for a time budget, from a fixed seed, then runs the consistency check.
 *
 *   php -d extension=modules/ebla_chat.so tests/fuzz/fuzz.php BACKEND [SEED] [SECONDS]
 *
 * BACKEND: sqlite, mysql or pgsql (the latter two need the variables of scripts/services.sh env).
 * Usually run through scripts/fuzz.sh (or scripts/sanitize.sh --fuzz for the sanitizer build).
 *
 * A call may return (a value of its declared return type) or throw EblaChat\Exception, TypeError
 * (ArgumentCountError included) or ValueError; a PDOException only when the call was given a PDO
 * that cannot work (connection killed, a database without the tables). Anything else is a
 * finding: another exception class, a PDOException from a healthy PDO, a PHP warning, notice or
 * deprecation raised during the call, a wrong return type, a crash (the process dies: the
 * caller sees no summary). Afterwards the consistency check must find nothing.
 *
 * The last line printed is "fuzz: BACKEND seed=S seconds=T calls=N findings=F inconsistencies=I";
 * the exit status is 1 when F or I is not 0. EBLA_CHAT_FUZZ_VERBOSE=1 prints every call to stderr
 * before making it (the last one printed is the one that crashed the process).
 */

require __DIR__ . '/../ebla_chat.inc';
require __DIR__ . '/checker.inc';

[$backend, $seed, $seconds] = [$argv[1] ?? 'sqlite', (int) ($argv[2] ?? 1), (float) ($argv[3] ?? 10)];
if (!in_array($backend, ['sqlite', 'mysql', 'pgsql'], true)) {
    fwrite(STDERR, "usage: fuzz.php sqlite|mysql|pgsql [SEED] [SECONDS]\n");
    exit(2);
}
if ($backend !== 'sqlite' && !getenv('EBLA_CHAT_TEST_' . strtoupper($backend) . '_DSN')) {
    fwrite(STDERR, "fuzz: EBLA_CHAT_TEST_" . strtoupper($backend) . "_DSN is not set (scripts/services.sh env)\n");
    exit(2);
}
mt_srand($seed);

final class Fuzz
{
    /** @var PDO the database every check runs on */
    public PDO $pdo;
    public string $backend;
    public string $dsn;
    public array $users = [];      // name => id
    public array $dialogs = [];    // ids seen (own and others')
    public array $messages = [];   // ids seen
    public array $attachments = []; // ids (some linked, some not, some of other users)
    public array $findings = [];
    public int $calls = 0;
    public array $perFunction = [];
    /** @var array<string, PDO> healthy PDOs of the same database with other attributes */
    public array $variants = [];
    public array $brokenReasons = [];
    private ?string $otherDsn = null;

    public function __construct(string $backend)
    {
        $this->backend = $backend;
        $this->pdo = ec_fresh_pdo($backend, $dsn);
        $this->dsn = $dsn;
        if ($backend === 'sqlite') {
            $this->pdo->exec('PRAGMA journal_mode = WAL');
        }
        ebla_chat_schema($this->pdo, EBLA_CHAT_SCHEMA_CORE);
        $baseline = ec_baseline_role($this->pdo, 'all');
        ini_set('ebla_chat.baseline_role_id', $baseline);
        $this->baseline = $baseline;
        foreach (['admin' => 'admin', 'u1' => 'regular', 'u2' => 'regular', 'u3' => 'regular', 'u4' => 'regular',
                  'u5' => 'regular', 'portal' => 'portal', 'api' => 'api', 'system' => 'system'] as $name => $type) {
            $this->users[$name] = ec_user($this->pdo, $name, $type);
        }
        $this->users['inactive'] = ec_user($this->pdo, 'inactive', 'regular', ['isActive' => 0]);
        $team = ec_team($this->pdo, 'sales', [$this->users['u1'], $this->users['u2']]);
        ec_role($this->pdo, 'team', 'yes', [$this->users['u3']], [$team]);
        // A few dialogs to start from, some without u1 (other users' rows).
        $u = $this->users;
        $this->dialogs[] = ebla_chat_dialog_open($this->pdo, $u['u1'], [$u['u2']])['id'];
        $this->dialogs[] = ebla_chat_dialog_open($this->pdo, $u['u1'], [$u['u2'], $u['u3']], ['name' => 'g1'])['id'];
        $this->dialogs[] = ebla_chat_dialog_open($this->pdo, $u['u4'], [$u['u5']], ['name' => 'other'])['id'];
        $this->dialogs[] = ebla_chat_dialog_open($this->pdo, $u['admin'], [$u['u1'], $u['u4']], ['parentType' => 'Case', 'parentId' => ebla_chat_generate_id()])['id'];
        foreach ($this->users as $name => $id) {
            for ($i = 0; $i < 3; $i++) {
                $this->newAttachment($id);
            }
        }
        foreach ($this->dialogs as $d) {
            foreach ([$u['u1'], $u['u4'], $u['admin']] as $who) {
                try {
                    $this->messages[] = ebla_chat_post($this->pdo, $who, $d, "hello @u2 from $who")['id'];
                } catch (EblaChat\Exception $e) {
                }
            }
        }
        [$user, $pass] = ec_credentials($backend);
        foreach ([
            'silent' => [PDO::ATTR_ERRMODE => PDO::ERRMODE_SILENT],
            'warning' => [PDO::ATTR_ERRMODE => PDO::ERRMODE_WARNING],
            'upper' => [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_CASE => PDO::CASE_UPPER],
            'emulate' => [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_EMULATE_PREPARES => true,
                PDO::ATTR_STRINGIFY_FETCHES => true, PDO::ATTR_ORACLE_NULLS => PDO::NULL_TO_STRING,
                PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_OBJ],
        ] as $name => $attrs) {
            try {
                $p = new PDO($this->dsn, $user, $pass);
                foreach ($attrs as $k => $v) {
                    @$p->setAttribute($k, $v);   // some drivers do not know every attribute
                }
                if ($backend === 'sqlite') {
                    $p->exec('PRAGMA busy_timeout = 2000');
                }
                $this->variants[$name] = $p;
            } catch (PDOException $e) {
            }
        }
    }

    public string $baseline;
    public static bool $verbose = false;

    public function newAttachment(string $owner): string
    {
        $types = ['audio/webm', 'image/png', 'text/plain', 'audio/ogg', '', 'application/x-"quoted\'; --'];
        $id = ec_attachment($this->pdo, $owner, str_replace("\0", '', mb_scrub(substr($this->str(0), 0, 200), 'UTF-8')), $types[mt_rand(0, count($types) - 1)], mt_rand(0, 1 << 20));
        $this->attachments[] = $id;
        return $id;
    }

    /* ------------------------------------------------------------ values */

    /** An adversarial string. */
    public function str(int $mode = -1): string
    {
        static $fixed = null;
        $fixed ??= [
            '', ' ', '0', "\0", "a\0b", "\xff\xfe\xfd", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "caf\xc3",
            "'; DROP TABLE note; --", "' OR '1'='1", '"', '\\', '\\\'', '%', '_', '%_%', '`', '$1', '?', ':name',
            '{"a":', '}]', '{"__proto__":1}', '\u0000', '@u1', '@u2 @u3 @admin @portal @', '@@@@', '@u2.', "@u2\n@u3",
            str_repeat('@u2 ', 5000), "\u{1F600}\u{200B}\u{FEFF}", "e\u{301}", str_repeat('é', 40000),
            'Dialog', 'Note', '*', 'NULL', 'null', 'true', '-1', '9223372036854775808', '1e400', '0x1F', ' 12 ', "12\n",
            '00000000000000000', 'ffffffffffffffff', 'FFFFFFFFFFFFFFFFF', str_repeat('a', 17), str_repeat('a', 36),
            '123e4567-e89b-12d3-a456-426614174000', str_repeat('f', 255), str_repeat('f', 256), 'abc/../def',
        ];
        $mode = $mode >= 0 ? $mode : mt_rand(0, 9);
        switch ($mode) {
            case 0: return $fixed[mt_rand(0, count($fixed) - 1)];
            case 1: return $this->bytes(mt_rand(0, 64));
            case 2: return str_repeat(chr(mt_rand(32, 126)), [65534, 65535, 65536, 70000, 1 << 20][mt_rand(0, 4)]);
            case 3: return $this->anyId();
            case 4: return strtoupper($this->anyId());
            case 5: return $this->anyId() . $fixed[mt_rand(0, count($fixed) - 1)];
            default: return 'text ' . mt_rand() . ' ' . $fixed[mt_rand(0, count($fixed) - 1)];
        }
    }

    /** Random bytes from the seeded generator (random_bytes() would not repeat with the seed). */
    public function bytes(int $n): string
    {
        $s = '';
        for ($i = 0; $i < $n; $i++) {
            $s .= chr(mt_rand(0, 255));
        }
        return $s;
    }

    public function anyId(): string
    {
        $pools = [$this->users, $this->dialogs, $this->messages, $this->attachments];
        $pool = array_values($pools[mt_rand(0, 3)]);
        return $pool ? $pool[mt_rand(0, count($pool) - 1)] : ebla_chat_generate_id();
    }

    public function pick(array $a)
    {
        $a = array_values($a);
        return $a ? $a[mt_rand(0, count($a) - 1)] : null;
    }

    /** Any PHP value, of any type. */
    public function any(int $depth = 0)
    {
        switch (mt_rand(0, 17)) {
            case 0: return null;
            case 1: return (bool) mt_rand(0, 1);
            case 2: return $this->pick([0, 1, -1, 2, 50, 200, 201, PHP_INT_MAX, PHP_INT_MIN, PHP_INT_MAX - 1, 1 << 31, -(1 << 31)]);
            case 3: return $this->pick([0.0, -0.0, 1.5, -1.5, 1e300, NAN, INF, -INF, 0.1]);
            case 4: return new stdClass();
            case 5: return $depth < 3 ? $this->arr($depth + 1) : [];
            case 6: return $this->nested(mt_rand(1, 3000));
            case 7: return fn() => 1;
            case 8: return $this->pick([$this->pdo, new ArrayObject([1]), new DateTime('@0')]);
            default: return $this->str();
        }
    }

    public function nested(int $depth): array
    {
        $a = ['x' => 1];
        for ($i = 0; $i < $depth; $i++) {
            $a = [$a, 'k' . $i => $a === null ? 1 : 'v'];
        }
        return $a;
    }

    public function arr(int $depth = 0): array
    {
        $n = $this->pick([0, 1, 2, 3, 5, 21, 201, 1000, 100000]);
        if ($n > 1000 && mt_rand(0, 3)) {
            $n = 4;
        }
        $a = [];
        for ($i = 0; $i < $n; $i++) {
            $v = $n > 50 ? $this->anyId() : $this->any($depth + 1);
            if (mt_rand(0, 4) === 0) {
                $a[$this->str(0)] = $v;
            } else {
                $a[] = $v;
            }
        }
        return $a;
    }

    /** Mostly a plausible value of $kind, sometimes anything at all. */
    public function arg(string $kind)
    {
        if (mt_rand(0, 9) === 0) {
            return $this->any();
        }
        switch ($kind) {
            case 'actor':
                return mt_rand(0, 7) ? $this->pick($this->users) : $this->str();
            case 'user':
                return mt_rand(0, 5) ? $this->pick($this->users) : $this->str();
            case 'dialog':
                return mt_rand(0, 5) ? ($this->pick($this->dialogs) ?? $this->str()) : $this->str();
            case 'message':
                return mt_rand(0, 5) ? ($this->pick($this->messages) ?? $this->str()) : $this->str();
            case 'text':
                return mt_rand(0, 2) ? 'msg ' . mt_rand() . (mt_rand(0, 2) ? '' : ' @u' . mt_rand(1, 5)) : $this->str();
            case 'users':
                return $this->ids($this->users);
            case 'attachments':
                return mt_rand(0, 2) ? [] : $this->ids($this->attachments);
            case 'int':
                return $this->pick([null, 0, 1, -1, 5, 50, 1000, PHP_INT_MAX, PHP_INT_MIN, mt_rand(0, 500)]);
            case 'bool':
                return (bool) mt_rand(0, 1);
            case 'float':
                return $this->pick([0.01, 0.05, -1.0, NAN, INF, 0.001]);
            case 'string':
                return $this->str();
        }
        throw new LogicException($kind);
    }

    public function ids(array $pool): array
    {
        $n = $this->pick([0, 1, 1, 2, 3, 5, 21, 201, 5000]);
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            $out[] = mt_rand(0, 6) ? $this->pick($pool) : $this->any();
        }
        if (mt_rand(0, 6) === 0) {
            $out = array_combine(array_map(fn($i) => "k$i", array_keys($out)), $out) ?: $out;
        }
        return $out;
    }

    /** An options array: known keys with good or bad values, sometimes unknown keys or huge/nested arrays. */
    public function opts(array $keys)
    {
        if (mt_rand(0, 3) === 0) {
            return [];
        }
        if (mt_rand(0, 19) === 0) {
            return $this->pick([$this->nested(mt_rand(10, 5000)), array_fill(0, 100000, 1), $this->arr()]);
        }
        $o = [];
        $n = mt_rand(1, count($keys) + 1);
        for ($i = 0; $i < $n; $i++) {
            $key = mt_rand(0, 9) ? $this->pick($keys) : $this->pick(['unknown', '', "li\0mit", 0, 'LIMIT', 'acl ']);
            $o[$key] = $this->optValue((string) $key);
        }
        return $o;
    }

    public function optValue(string $key)
    {
        if (mt_rand(0, 4) === 0) {
            return $this->any();
        }
        switch ($key) {
            case 'limit': case 'offset': case 'before': case 'after':
                return $this->pick([0, 1, 10, 50, 200, 201, -1, PHP_INT_MAX, '5', ' 5', '5.5', '1e2', 'abc', mt_rand(0, 300)]);
            case 'name': case 'search':
                return $this->str();
            case 'parentType':
                return $this->pick(['Case', 'Opportunity', 'Task', '', 'Dialog', "Ca\0se", $this->str()]);
            case 'parentId': case 'dialogId':
                return mt_rand(0, 1) ? $this->anyId() : $this->str();
            case 'type':
                return $this->pick(['direct', 'group', 'Direct', 'Group', '', 'other', $this->str()]);
            case 'acl':
                return $this->pick([
                    ['userRead' => 'all'], ['userRead' => 'team', 'portal' => 'yes'], ['userRead' => 'own'],
                    ['userRead' => 'no', 'portal' => 'no'], ['userRead' => 'bogus'], ['userRead' => null],
                    ['portal' => ['yes']], ['other' => 1], [], $this->nested(100), 'all',
                ]);
            default:
                return (bool) mt_rand(0, 1);
        }
    }

    /* ------------------------------------------------------------ PDOs */

    /**
     * The PDO for the next call and whether a PDOException is an acceptable answer.
     * @return array{0: mixed, 1: bool, 2: string}
     */
    public function pdoArg(bool $inTransaction): array
    {
        $r = mt_rand(0, 99);
        if ($inTransaction && $r >= 70 && $r < 86) {
            // Another connection to the same database would wait for the caller's locks.
            $r = 0;
        }
        if ($r < 70) {
            return [$this->pdo, false, 'main'];
        }
        if ($r < 86 && $this->variants) {
            $name = $this->pick(array_keys($this->variants));
            return [$this->variants[$name], false, $name];
        }
        if ($r < 89) {
            return [(new ReflectionClass(PDO::class))->newInstanceWithoutConstructor(), false, 'uninitialised'];
        }
        if ($r < 93) {
            return [$this->otherDatabase(), true, 'other database'];
        }
        if ($r < 97) {
            return [$this->killedPdo(), true, 'killed connection'];
        }
        return [$this->any(), false, 'not a PDO'];
    }

    private function otherDatabase(): PDO
    {
        if ($this->backend === 'sqlite') {
            $p = new PDO('sqlite::memory:');
        } else {
            [$user, $pass] = ec_credentials($this->backend);
            if ($this->otherDsn === null) {
                ec_fresh_pdo($this->backend, $this->otherDsn);
            }
            $p = new PDO($this->otherDsn, $user, $pass);
        }
        $p->setAttribute(PDO::ATTR_ERRMODE, $this->pick([PDO::ERRMODE_EXCEPTION, PDO::ERRMODE_SILENT, PDO::ERRMODE_WARNING]));
        return $p;
    }

    /** A PDO whose server connection is gone (killed by the server; on SQLite: read-only). */
    private function killedPdo(): PDO
    {
        [$user, $pass] = ec_credentials($this->backend);
        if ($this->backend === 'sqlite') {
            // No server to lose: a read-only handle on the same file, on which every write fails.
            return new PDO($this->dsn, null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
                PDO::SQLITE_ATTR_OPEN_FLAGS => PDO::SQLITE_OPEN_READONLY]);
        }
        $p = new PDO($this->dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        if ($this->backend === 'mysql') {
            $id = $p->query('SELECT CONNECTION_ID()')->fetchColumn();
            $this->pdo->exec("KILL CONNECTION $id");
        } else {
            $pid = $p->query('SELECT pg_backend_pid()')->fetchColumn();
            $this->pdo->query("SELECT pg_terminate_backend($pid)")->fetchAll();
        }
        usleep(20000);
        $p->setAttribute(PDO::ATTR_ERRMODE, $this->pick([PDO::ERRMODE_EXCEPTION, PDO::ERRMODE_SILENT, PDO::ERRMODE_WARNING]));
        return $p;
    }

    /* ------------------------------------------------------------ INI */

    public function shuffleIni(): void
    {
        $settings = [
            'ebla_chat.max_message_length' => ['65535', '0', '1', '10', '-1', '100000', '9223372036854775807', 'abc'],
            'ebla_chat.max_attachments' => ['20', '0', '1', '-5', '1000000'],
            'ebla_chat.portal_enabled' => ['1', '0', 'yes', 'off'],
            'ebla_chat.id_type' => ['id', 'bogus', ''],   // uuid4 needs 36-wide id columns (tests/045)
            'ebla_chat.baseline_role_id' => [$this->baseline, $this->baseline, '', ebla_chat_generate_id(), "x'; --"],
            'ebla_chat.redis_url' => ['', '', getenv('EBLA_CHAT_TEST_REDIS_URL') ?: '', 'tcp://127.0.0.1:1', 'garbage', 'tcp://', 'unix:///nonexistent.sock', 'tcp://127.0.0.1:99999/0'],
            'ebla_chat.redis_prefix' => ['ebla_fuzz_' . getmypid() . ':', "\0{x}", str_repeat('p', 1000), ''],
            'ebla_chat.redis_timeout' => ['0.05', '0', '-1', '0.001', 'nan'],
            'ebla_chat.redis_retry_interval' => ['5', '0', '-1', '1e9'],
            'ebla_chat.redis_sharded' => ['0', '1'],
        ];
        $key = $this->pick(array_keys($settings));
        @ini_set($key, $this->pick($settings[$key]));   // PHP warns about a malformed number itself
        // The shared Redis is never published to with an empty prefix (other tests listen there).
        if (ini_get('ebla_chat.redis_prefix') === '') {
            ini_set('ebla_chat.redis_prefix', 'ebla_fuzz_' . getmypid() . ':');
        }
    }

    /* ------------------------------------------------------------ one call */

    public function call(string $fn, array $args, bool $pdoMayFail, string $pdoKind): void
    {
        $this->calls++;
        $this->perFunction[$fn] = ($this->perFunction[$fn] ?? 0) + 1;
        $warnings = [];
        set_error_handler(function (int $no, string $msg, string $file = '', int $line = 0) use (&$warnings) {
            $warnings[] = "$msg";
            return true;
        });
        $outcome = null;
        if (self::$verbose) {
            // To find the call that crashed the process: the last line before it died.
            fwrite(STDERR, "call {$this->calls}: $fn(" . $this->describe($args) . ") with PDO $pdoKind\n");
        }
        try {
            $result = $fn(...$args);
            $this->remember($fn, $result);
            $outcome = $this->checkReturn($fn, $result);
        } catch (EblaChat\Exception | TypeError | ValueError $e) {
            // documented
        } catch (PDOException $e) {
            if (!$pdoMayFail) {
                $outcome = 'PDOException from a working PDO (' . $pdoKind . '): ' . $e->getMessage();
            }
        } catch (Throwable $e) {
            $outcome = get_class($e) . ': ' . $e->getMessage();
        } finally {
            restore_error_handler();
        }
        // PHP's own parameter parsing deprecates null for a non-nullable scalar and fractional
        // floats for int (coercive mode; strict mode makes both a TypeError): not the engine's.
        $warnings = array_filter($warnings, fn($w) => !preg_match('/^\w+\(\): Passing null to parameter #\d+ \(\$\w+\) of type \w+ is deprecated$|^Implicit conversion from float .* to int loses precision$/', $w));
        if ($warnings && !($pdoKind === 'warning' || ($pdoMayFail && $this->onlyPdoWarnings($warnings)))) {
            $outcome = ($outcome ? "$outcome; " : '') . 'PHP warning: ' . implode(' | ', array_slice($warnings, 0, 3));
        }
        if ($outcome !== null) {
            $this->finding($fn, $args, $pdoKind, $outcome);
        }
    }

    /** PDO itself warns in ERRMODE_WARNING: those are the caller's choice, not the engine's. */
    private function onlyPdoWarnings(array $warnings): bool
    {
        foreach ($warnings as $w) {
            if (!preg_match('/^PDO(Statement)?::\w+\(\): SQLSTATE\[|Error while sending|server has gone away|Packets out of order/', $w)) {
                return false;
            }
        }
        return true;
    }

    private function remember(string $fn, $result): void
    {
        if (!is_array($result)) {
            return;
        }
        if (in_array($fn, ['ebla_chat_dialog_open', 'ebla_chat_dialog_get', 'ebla_chat_dialog_members'], true) && isset($result['id'])) {
            $this->dialogs[$result['id']] = $result['id'];
            if (isset($result['lastMessage']['id'])) {
                $this->messages[$result['lastMessage']['id']] = $result['lastMessage']['id'];
            }
        }
        if (in_array($fn, ['ebla_chat_post', 'ebla_chat_message_edit'], true) && isset($result['id'])) {
            $this->messages[$result['id']] = $result['id'];
        }
        if ($fn === 'ebla_chat_messages') {
            foreach ($result as $m) {
                if (isset($m['id'])) {
                    $this->messages[$m['id']] = $m['id'];
                }
            }
        }
        if (count($this->messages) > 400) {
            $this->messages = array_slice($this->messages, -200, null, true);
        }
    }

    private function checkReturn(string $fn, $result): ?string
    {
        static $types = [];
        $types[$fn] ??= (string) (new ReflectionFunction($fn))->getReturnType();
        $type = $types[$fn];
        $actual = get_debug_type($result);
        $ok = match ($type) {
            'void' => $result === null,
            'array' => is_array($result),
            'string' => is_string($result),
            'int' => is_int($result),
            'bool' => is_bool($result),
            default => true,
        };
        return $ok ? null : "returned $actual, declared $type";
    }

    private function finding(string $fn, array $args, string $pdoKind, string $outcome): void
    {
        $key = $fn . ': ' . preg_replace('/[0-9a-f]{17}|\d+/', '#', substr($outcome, 0, 160));
        if (!isset($this->findings[$key])) {
            $this->findings[$key] = ['count' => 0, 'first' => $fn . '(' . $this->describe($args) . ') with PDO ' . $pdoKind . ': ' . $outcome];
        }
        $this->findings[$key]['count']++;
    }

    public function describe(array $args): string
    {
        $parts = [];
        foreach ($args as $a) {
            $s = is_object($a) ? get_class($a) : (is_string($a) ? var_export(strlen($a) > 60 ? substr($a, 0, 60) . '...(' . strlen($a) . ')' : $a, true)
                : (is_array($a) ? 'array(' . count($a) . ')' : var_export($a, true)));
            $parts[] = $s;
        }
        return implode(', ', $parts);
    }
}

Fuzz::$verbose = (bool) getenv('EBLA_CHAT_FUZZ_VERBOSE');
$f = new Fuzz($backend);
$start = microtime(true);
$deadline = $start + $seconds;
$u = $f->users;
$functions = [
    'ebla_chat_dialog_open' => fn() => [$f->arg('actor'), $f->arg('users'), $f->opts(['name', 'parentType', 'parentId', 'type', 'acl'])],
    'ebla_chat_dialog_get' => fn() => [$f->arg('actor'), $f->arg('dialog')],
    'ebla_chat_dialog_list' => fn() => [$f->arg('actor'), $f->opts(['limit', 'offset', 'parentType', 'parentId', 'unreadOnly', 'acl'])],
    'ebla_chat_dialog_members' => fn() => [$f->arg('actor'), $f->arg('dialog'), $f->arg('users'), $f->arg('users')],
    'ebla_chat_dialog_mute' => fn() => [$f->arg('actor'), $f->arg('dialog'), $f->arg('bool')],
    'ebla_chat_post' => fn() => [$f->arg('actor'), $f->arg('dialog'), $f->arg('text'), $f->arg('attachments'), $f->opts(['voice', 'acl'])],
    'ebla_chat_messages' => fn() => [$f->arg('actor'), $f->arg('dialog'), $f->opts(['limit', 'before', 'after'])],
    'ebla_chat_message_edit' => fn() => [$f->arg('actor'), $f->arg('message'), $f->arg('text')],
    'ebla_chat_message_delete' => fn() => [$f->arg('actor'), $f->arg('message')],
    'ebla_chat_unread' => fn() => [$f->arg('actor')],
    'ebla_chat_mark_read' => fn() => [$f->arg('actor'), $f->arg('dialog'), $f->arg('int')],
    'ebla_chat_popups' => fn() => [$f->arg('actor'), $f->opts(['peek', 'limit'])],
    'ebla_chat_poll' => fn() => [$f->arg('actor'), $f->opts(['dialogId', 'after', 'limit', 'peek'])],
    'ebla_chat_can_chat' => fn() => [$f->arg('actor'), $f->arg('user'), $f->opts(['acl'])],
    'ebla_chat_partners' => fn() => [$f->arg('actor'), $f->opts(['search', 'limit', 'offset', 'acl'])],
    'ebla_chat_schema' => fn() => [$f->pick([0, EBLA_CHAT_SCHEMA_CORE, -1, PHP_INT_MAX, 0x100])],
];
$noPdo = [
    'ebla_chat_version' => fn() => [],
    'ebla_chat_generate_id' => fn() => [],
    'ebla_chat_fanout_status' => fn() => [],
    'ebla_chat_fanout_channel' => fn() => [$f->pick([null, $f->arg('user')]), $f->pick([null, 'eblaChat.message', $f->str()])],
    'ebla_chat_fanout_send' => fn() => [$f->pick(['{"userId":"x","topicId":"eblaChat.message"}', $f->str()]), $f->pick([null, $f->pdo])],
    'ebla_chat_subscribe' => fn() => [$f->pick([['ebla_fuzz_none'], [], [$f->str()], $f->arr()]),
        $f->pick([fn() => false, fn() => throw new RuntimeException('x'), 'strlen', 'no_such_function']), $f->arg('float')],
];
$everyFunction = array_merge(array_keys($functions), array_keys($noPdo));
$declared = array_filter(get_extension_funcs('ebla_chat'), fn($n) => str_starts_with($n, 'ebla_chat_'));
foreach (array_diff($declared, $everyFunction) as $missing) {
    $f->findings["harness: $missing"] = ['count' => 1, 'first' => "$missing is public but not fuzzed"];
}

$inTransaction = false;
while (microtime(true) < $deadline) {
    $r = mt_rand(0, 99);
    if ($r < 3) {
        $f->shuffleIni();
        continue;
    }
    if ($r < 5) {
        $f->newAttachment($f->pick($u));
        continue;
    }
    if ($r < 8) {
        // The caller's own transaction around the next calls (committed or rolled back later).
        if (!$inTransaction) {
            $f->pdo->beginTransaction();
            $inTransaction = true;
        } else {
            mt_rand(0, 1) ? $f->pdo->commit() : $f->pdo->rollBack();
            $inTransaction = false;
        }
        continue;
    }
    if ($r < 10) {
        $fn = array_rand($noPdo);
        $args = $noPdo[$fn]();
        $f->call($fn, $args, false, 'none');
        continue;
    }
    $fn = array_rand($functions);
    [$pdo, $mayFail, $kind] = $f->pdoArg($inTransaction);
    $args = array_merge([$pdo], $functions[$fn]());
    if (mt_rand(0, 49) === 0) {
        // Too few or too many arguments.
        $args = mt_rand(0, 1) ? array_slice($args, 0, mt_rand(0, count($args) - 1)) : array_merge($args, [1, 2, 3, 4, 5, 6]);
    }
    $f->call($fn, $args, $mayFail, $kind);
    if ($inTransaction && !$f->pdo->inTransaction()) {
        $f->findings['transaction: the caller\'s transaction ended inside ' . $fn] ??= ['count' => 0, 'first' => "after $fn, the caller's transaction is gone"];
        $inTransaction = false;
    }
}
if ($inTransaction) {
    $f->pdo->commit();
}
ini_restore('ebla_chat.id_type');

$problems = ec_consistency($f->pdo);
$elapsed = microtime(true) - $start;
foreach ($f->findings as $finding) {
    echo "FINDING (x{$finding['count']}): {$finding['first']}\n";
}
foreach (array_slice($problems, 0, 50) as $p) {
    echo "INCONSISTENT: $p\n";
}
ksort($f->perFunction);
echo 'calls per function: ', implode(', ', array_map(fn($k, $v) => substr($k, 10) . "=$v", array_keys($f->perFunction), $f->perFunction)), "\n";
printf("fuzz: %s seed=%d seconds=%.0f calls=%d findings=%d inconsistencies=%d\n",
    $backend, $seed, $elapsed, $f->calls, count($f->findings), count($problems));
exit($f->findings || $problems ? 1 : 0);
