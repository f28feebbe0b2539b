<?php
/*
 * Posting end to end on a real EspoCRM: a message to an Ebla Chat dialog of N members against
 * EspoCRM's own stream post to a record that the same N users follow. Both go through EspoCRM's
 * REST API, as the same user, on the same server, interleaved in one run.
 *
 *   php bench/espocrm-post.php --url=http://127.0.0.1:8080 --admin=admin:PASS
 *       [--root=ESPOCRM_ROOT]  read the database settings from data/config*.php and count, for one
 *                              post of each kind, the statements (MariaDB/MySQL: global Questions
 *                              and Com_*; PostgreSQL: transactions, of which a native
 *                              prepare and an execute are one each) and the rows written
 *       [--posts=N]            measured posts of each kind (default 200)
 *       [--warmup=N]           rounds dropped before measuring (default 10)
 *       [--members=N]          dialog members = record followers, the author included (default 100)
 *       [--repeat=N]           posts of each kind counted between two server status reads (default 5)
 *       [--redis=tcp://host:port]  the Redis of EspoCRM's messager: also count its commands
 *                              (INFO: total_commands_processed, PUBLISH calls) per post (with --root)
 *       [--trace=PID]          the web server's process (php -S: its parent; PHP-FPM: the master):
 *                              strace its workers during 2 more posts of each kind and count, from
 *                              the database protocol itself, the statements, prepares and round
 *                              trips (and Redis round trips); needs strace, ptrace rights (root)
 *                              and --root
 *       [--ws=ws://host:port]  check that a member receives the chat message and EspoCRM's
 *                              newNotification over EspoCRM's WebSocket daemon
 *       [--password=PASS]      password of the bench users (default Bench-post-1)
 *       [--json=FILE]          write every figure, raw times included
 *
 * Setup, idempotent, through EspoCRM's API as the admin (everything named "bench..."): a team, a
 * role (Dialog create/read own, User read all, Account read/stream all), N users benchpost000...,
 * an Account followed by exactly these N users, and (as benchpost000, through the chat API) a
 * group dialog of the same N users. benchpost000 then posts. Each request is timed on the client
 * (curl_exec wall time), with EspoCRM's token authentication as a browser sends it. The rounds
 * rotate which kind goes first; a third request, GET App/about, runs in the same rotation as
 * the floor: what any authenticated EspoCRM request costs on that server. The server counters
 * (SHOW GLOBAL STATUS, pg_stat_database, Redis INFO) are server-wide: they are exact on a quiet
 * server only, so each count is repeated and every run is printed. Exit status 0 when every
 * check passed.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/tests/espocrm/lib.php';

$opt = [];

foreach (array_slice($argv, 1) as $arg) {
    if (!preg_match('/^--([a-z-]+)(?:=(.*))?$/s', $arg, $m)) {
        fwrite(STDERR, "unknown argument $arg\n");
        exit(2);
    }

    $opt[$m[1]] = $m[2] ?? '1';
}

if (empty($opt['url']) || empty($opt['admin']) || !str_contains($opt['admin'], ':')) {
    fwrite(STDERR, "usage: php bench/espocrm-post.php --url=URL --admin=USER:PASS [--root=DIR [--redis=URL] [--trace=PID]]\n" .
        "       [--posts=N] [--warmup=N] [--members=N] [--repeat=N] [--ws=ws://host:port] [--password=PASS] [--json=FILE]\n");
    exit(2);
}

$posts = max(1, (int) ($opt['posts'] ?? 200));
$warmup = max(0, (int) ($opt['warmup'] ?? 10));
$members = max(2, (int) ($opt['members'] ?? 100));
$repeat = max(1, (int) ($opt['repeat'] ?? 5));
$userPassword = $opt['password'] ?? 'Bench-post-1';
$apiUrl = rtrim($opt['url'], '/') . '/api/v1/';
[$adminUser, $adminPass] = explode(':', $opt['admin'], 2);
$admin = new Api($apiUrl, $adminUser, $adminPass);
$t = new Checks();

function need(Reply $r, string $what, int $status = 200): array
{
    if ($r->status !== $status) {
        fwrite(STDERR, "$what: " . $r->describe() . "\n");
        exit(1);
    }

    return is_array($r->body) ? $r->body : [];
}

/** @return array<string, mixed>|null the first record of $entityType whose $attribute equals $value */
function findOne(Api $api, string $entityType, string $attribute, string $value): ?array
{
    $body = need($api->get($entityType, [
        'where' => [['type' => 'equals', 'attribute' => $attribute, 'value' => $value]],
        'maxSize' => 1,
    ]), "find $entityType");

    return $body['list'][0] ?? null;
}

/** @return list<array<string, mixed>> every record of a list route, page by page */
function listAll(Api $api, string $path, array $query = []): array
{
    $all = [];

    for ($offset = 0; ; $offset += 200) {
        $body = need($api->get($path, $query + ['offset' => $offset, 'maxSize' => 200]), "list $path");
        $all = array_merge($all, $body['list'] ?? []);

        if (count($body['list'] ?? []) < 200) {
            return $all;
        }
    }
}

/** An HTTP client for the timed requests: EspoCRM's token authentication, one curl handle. */
final class TokenClient
{
    private CurlHandle $ch;
    /** @var list<string> */
    private array $auth;

    public function __construct(private string $apiUrl, string $userName, string $token)
    {
        $this->ch = curl_init();
        $this->auth = [
            'Espo-Authorization: ' . base64_encode("$userName:$token"),
            'Espo-Authorization-By-Token: true',
            'Accept: application/json',
            'Content-Type: application/json',
        ];
    }

    /** @return array{int, mixed, float} status, decoded body, wall time of curl_exec in ms */
    public function request(string $method, string $path, ?array $body = null): array
    {
        curl_reset($this->ch);
        curl_setopt_array($this->ch, [
            CURLOPT_URL => $this->apiUrl . $path,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $this->auth,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 60,
        ]);

        if ($body !== null) {
            curl_setopt($this->ch, CURLOPT_POSTFIELDS, json_encode($body));
        }

        $start = hrtime(true);
        $raw = curl_exec($this->ch);
        $ms = (hrtime(true) - $start) / 1e6;

        if ($raw === false) {
            throw new RuntimeException("$method $path: " . curl_error($this->ch));
        }

        return [(int) curl_getinfo($this->ch, CURLINFO_RESPONSE_CODE), json_decode($raw, true), $ms];
    }
}

/** The database of the instance, read from its config, for counting. */
final class Db
{
    public PDO $pdo;
    public bool $pg;
    public string $name;
    public int $port;

    public function __construct(string $root)
    {
        $config = (include "$root/data/config.php") + (is_file("$root/data/config-internal.php") ? include "$root/data/config-internal.php" : []);
        $db = $config['database'];
        $this->pg = strtolower($db['platform'] ?? ($db['driver'] ?? 'Mysql')) === 'postgresql' || ($db['driver'] ?? '') === 'pdo_pgsql';
        $this->name = $db['dbname'];
        $this->port = (int) ($db['port'] ?: ($this->pg ? 5432 : 3306));
        $dsn = ($this->pg ? 'pgsql' : 'mysql') . ':host=' . $db['host'] . (empty($db['port']) ? '' : ';port=' . $db['port']) .
            ';dbname=' . $db['dbname'] . ($this->pg ? '' : ';charset=utf8mb4');
        $this->pdo = new PDO($dsn, $db['user'], $db['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);

        if ($this->pg) {
            // Read the counters afresh each time, not from a snapshot cached in a transaction.
            $this->pdo->exec("SET stats_fetch_consistency = 'none'");
        }
    }

    public function version(): string
    {
        return (string) $this->pdo->query($this->pg ? 'SHOW server_version' : 'SELECT VERSION()')->fetchColumn();
    }

    public function value(string $sql, array $args = []): int
    {
        $st = $this->pdo->prepare($sql);
        $st->execute($args);

        return (int) $st->fetchColumn();
    }

    /**
     * Server-wide counters. MariaDB/MySQL: statements (Questions, Com_*) and InnoDB rows, one
     * statement. PostgreSQL: transactions and rows of this database (pg_stat_database).
     * @return array<string, int>
     */
    public function status(): array
    {
        if ($this->pg) {
            // Backends report their counters when they end (each EspoCRM request is one).
            usleep(1_200_000);
            $row = $this->pdo->query('SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted' .
                ' FROM pg_stat_database WHERE datname = current_database()')->fetch(PDO::FETCH_ASSOC);

            return array_map('intval', $row);
        }

        $rows = $this->pdo->query("SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR Variable_name LIKE 'Com\\_%'" .
            " OR Variable_name IN ('Handler_write', 'Handler_update', 'Handler_delete', 'Rows_read', 'Rows_sent')")
            ->fetchAll(PDO::FETCH_KEY_PAIR);

        return array_map('intval', $rows);
    }
}

/** Redis of the instance (the messager's): commands it ran, PUBLISH among them (INFO). */
final class RedisCounters
{
    public function __construct(private string $url) {}

    /** @return array<string, int> */
    public function status(): array
    {
        $p = parse_url($this->url);
        $errno = 0;
        $errstr = '';
        $sock = ($p['scheme'] ?? '') === 'unix'
            ? @stream_socket_client('unix://' . $p['path'], $errno, $errstr, 2.0)
            : @stream_socket_client('tcp://' . ($p['host'] ?? '127.0.0.1') . ':' . ($p['port'] ?? 6379), $errno, $errstr, 2.0);

        if (!$sock) {
            throw new RuntimeException("Redis {$this->url}: $errstr");
        }

        $cmd = isset($p['pass']) ? [isset($p['user']) && $p['user'] !== '' ? ['AUTH', urldecode($p['user']), urldecode($p['pass'])] : ['AUTH', urldecode($p['pass'])]] : [];
        $cmd[] = ['INFO', 'all'];
        $out = '';

        foreach ($cmd as $c) {
            $out .= '*' . count($c) . "\r\n" . implode('', array_map(fn ($x) => '$' . strlen($x) . "\r\n$x\r\n", $c));
        }

        fwrite($sock, $out);
        $text = '';

        while (!feof($sock)) {
            $text .= fread($sock, 65536);

            if (preg_match('/\$(\d+)\r\n/', $text, $m, PREG_OFFSET_CAPTURE) && strlen($text) >= $m[0][1] + strlen($m[0][0]) + (int) $m[1][0]) {
                break;
            }
        }

        fclose($sock);
        $calls = fn (string $c) => preg_match("/^cmdstat_$c:calls=(\\d+)/m", $text, $m) ? (int) $m[1] : 0;

        return [
            'redis_commands' => preg_match('/^total_commands_processed:(\d+)/m', $text, $m) ? (int) $m[1] : 0,
            'redis_publish' => $calls('publish') + $calls('spublish'),
        ];
    }
}

/**
 * What the web server said to the database and to Redis during one request, read from the wire:
 * strace on the server's worker processes (root or ptrace rights needed). Statements are counted
 * from the protocol itself (MySQL: COM_QUERY and COM_STMT_EXECUTE packets; PostgreSQL: Query and
 * Execute messages), round trips per connection as runs of writes followed by reads.
 */
final class WireTracer
{
    /** @var list<int> */
    private array $pids;
    private string $file;
    /** @var resource|null */
    private $proc = null;

    public function __construct(int $serverPid, private int $dbPort, private bool $pg, private ?int $redisPort)
    {
        $children = [];

        foreach (glob("/proc/$serverPid/task/*/children") ?: [] as $f) {
            $children = array_merge($children, array_map('intval', preg_split('/\s+/', trim((string) file_get_contents($f)), -1, PREG_SPLIT_NO_EMPTY)));
        }

        // php -S with workers: the parent accepts requests too.
        $this->pids = array_merge([$serverPid], $children);
        $this->file = tempnam(sys_get_temp_dir(), 'espo-post-trace');
    }

    public function start(): void
    {
        $cmd = ['strace', '-f', '-qq', '-xx', '-yy', '-s', '4194304', '-o', $this->file,
            '-e', 'trace=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg'];

        foreach ($this->pids as $pid) {
            array_push($cmd, '-p', (string) $pid);
        }

        $this->proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);

        if (!is_resource($this->proc)) {
            throw new RuntimeException('strace did not start');
        }

        // Attached once every worker shows a tracer.
        for ($i = 0; $i < 100; $i++) {
            $attached = 0;

            foreach ($this->pids as $pid) {
                if (preg_match('/^TracerPid:\s+([1-9]\d*)/m', (string) @file_get_contents("/proc/$pid/status"))) {
                    $attached++;
                }
            }

            if ($attached === count($this->pids)) {
                usleep(100_000);

                return;
            }

            usleep(50_000);
        }

        throw new RuntimeException('strace could not attach to ' . implode(' ', $this->pids) . ' (root or ptrace rights needed)');
    }

    /** @return array<string, mixed> */
    public function stop(): array
    {
        usleep(200_000);
        proc_terminate($this->proc, SIGINT);
        proc_close($this->proc);
        $this->proc = null;
        $result = $this->parse((string) file_get_contents($this->file));
        unlink($this->file);

        return $result;
    }

    /** @return array<string, mixed> */
    private function parse(string $trace): array
    {
        $conn = [];   // per connection: buffer of client bytes, last direction
        $db = ['statements' => 0, 'prepares' => 0, 'deallocates' => 0, 'roundTrips' => 0, 'bytesOut' => 0, 'bytesIn' => 0, 'connections' => 0, 'sql' => []];
        $redis = ['roundTrips' => 0, 'bytesOut' => 0, 'bytesIn' => 0];

        foreach (explode("\n", $trace) as $line) {
            if (!preg_match('/^\d+\s+(read|write|readv|writev|recvfrom|sendto|recvmsg|sendmsg)\((\d+)<TCPv?6?:\[([^\]]*)->([^\]]*)\]>(.*)\)\s+=\s+(\d+)/', $line, $m) || (int) $m[6] === 0) {
                continue;
            }

            $port = (int) substr($m[4], strrpos($m[4], ':') + 1);
            $isDb = $port === $this->dbPort;

            if (!$isDb && $port !== $this->redisPort) {
                continue;
            }

            $key = $m[3] . '>' . $m[4];
            $out = in_array($m[1], ['write', 'writev', 'sendto', 'sendmsg'], true);

            if (!isset($conn[$key])) {
                $conn[$key] = ['buf' => '', 'dir' => 'r', 'fresh' => true];
                $isDb && $db['connections']++;
            }

            $c = &$conn[$key];
            if ($isDb) {
                $target = &$db;
            } else {
                $target = &$redis;
            }

            if ($out && $c['dir'] === 'r') {
                $target['roundTrips']++;
            }

            $c['dir'] = $out ? 'w' : 'r';
            $target[$out ? 'bytesOut' : 'bytesIn'] += (int) $m[6];

            if ($out && $isDb) {
                preg_match_all('/"((?:\\\\x[0-9a-f]{2})*)"/', $m[5], $s);
                $c['buf'] .= hex2bin(str_replace('\\x', '', implode('', $s[1])));
                $this->pg ? $this->pgMessages($c, $db) : $this->mysqlPackets($c, $db);
            }

            unset($c, $target);
        }

        return ['db' => $db, 'redis' => $this->redisPort === null ? null : $redis];
    }

    private function mysqlPackets(array &$c, array &$db): void
    {
        while (strlen($c['buf']) >= 4) {
            $len = ord($c['buf'][0]) | ord($c['buf'][1]) << 8 | ord($c['buf'][2]) << 16;

            if (strlen($c['buf']) < 4 + $len) {
                return;
            }

            $seq = ord($c['buf'][3]);
            $payload = substr($c['buf'], 4, $len);
            $c['buf'] = (string) substr($c['buf'], 4 + $len);

            if ($seq !== 0 || $payload === '') {
                continue;   // the login handshake, continuation packets
            }

            $cmd = ord($payload[0]);

            if ($cmd === 0x03) {
                $db['statements']++;
                $db['sql'][] = substr($payload, 1);
            } elseif ($cmd === 0x17) {
                $db['statements']++;
                $db['sql'][] = '(execute of a prepared statement)';
            } elseif ($cmd === 0x16) {
                $db['prepares']++;
                $db['sql'][] = 'PREPARE ' . substr($payload, 1);
            } elseif ($cmd === 0x19) {
                $db['deallocates']++;
            }
        }
    }

    private function pgMessages(array &$c, array &$db): void
    {
        while (strlen($c['buf']) >= 5) {
            if ($c['fresh'] && $c['buf'][0] === "\0") {
                // StartupMessage / SSLRequest: no type byte.
                $len = unpack('N', substr($c['buf'], 0, 4))[1];

                if (strlen($c['buf']) < $len) {
                    return;
                }

                $c['buf'] = (string) substr($c['buf'], $len);

                continue;
            }

            $c['fresh'] = false;
            $type = $c['buf'][0];
            $len = unpack('N', substr($c['buf'], 1, 4))[1];

            if (strlen($c['buf']) < 1 + $len) {
                return;
            }

            $body = substr($c['buf'], 5, $len - 4);
            $c['buf'] = (string) substr($c['buf'], 1 + $len);

            if ($type === 'Q') {
                // PDO frees its server-side prepared statements with a DEALLOCATE each.
                $db[str_starts_with($body, 'DEALLOCATE') ? 'deallocates' : 'statements']++;
                $db['sql'][] = rtrim($body, "\0");
            } elseif ($type === 'P') {
                $db['prepares']++;
                $parts = explode("\0", $body, 3);
                $db['sql'][] = 'PREPARE ' . ($parts[1] ?? '');
            } elseif ($type === 'E') {
                $db['statements']++;
                $db['sql'][] = '(execute)';
            }
        }
    }
}

// ---- the instance
$settings = need($admin->get('Settings'), 'GET Settings (admin)');
$espoVersion = $settings['version'] ?? '?';
// EspoCRM's own cache (metadata, ACL tables per user): off, every request rebuilds them from
// the JSON files and the database, which slows both posts, EspoCRM's most (an ACL per follower).
$useCache = (bool) ($settings['useCache'] ?? false);
$db = empty($opt['root']) ? null : new Db(rtrim($opt['root'], '/'));
$redis = empty($opt['redis']) ? null : new RedisCounters($opt['redis']);

$machine = [
    'date' => gmdate('Y-m-d H:i') . ' UTC',
    'cpus' => (int) trim((string) shell_exec('nproc 2>/dev/null')) ?: null,
    'loadBefore' => implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3)),
];
printf("EspoCRM %s at %s (useCache %s), database %s, %s\n", $espoVersion, $opt['url'], $useCache ? 'on' : 'off',
    $db ? ($db->pg ? 'PostgreSQL ' : 'MariaDB/MySQL ') . $db->version() : '(not read: no --root)', $machine['date']);

// ---- setup (idempotent)
echo "== setup: team, role, $members users, an Account they follow, a dialog of $members members\n";
$team = findOne($admin, 'Team', 'name', 'bench post team')
    ?? need($admin->post('Team', ['name' => 'bench post team']), 'create team');
$roleData = [
    'name' => 'bench post role',
    'data' => [
        'Dialog' => ['create' => 'yes', 'read' => 'own', 'stream' => 'own'],
        'User' => ['read' => 'all'],
        'Account' => ['create' => 'no', 'read' => 'all', 'edit' => 'no', 'delete' => 'no', 'stream' => 'all'],
    ],
    'fieldData' => new stdClass(),
];
$role = findOne($admin, 'Role', 'name', 'bench post role');
$role = $role === null
    ? need($admin->post('Role', $roleData), 'create role')
    : need($admin->put("Role/{$role['id']}", $roleData), 'update role');

$existing = [];

foreach (listAll($admin, 'User', ['where' => [['type' => 'startsWith', 'attribute' => 'userName', 'value' => 'benchpost']], 'select' => 'id,userName']) as $u) {
    $existing[$u['userName']] = $u['id'];
}

$userIds = [];
$created = 0;

for ($i = 0; $i < $members; $i++) {
    $name = sprintf('benchpost%03d', $i);

    if (!isset($existing[$name])) {
        $body = need($admin->post('User', [
            'userName' => $name, 'firstName' => 'Bench', 'lastName' => sprintf('Post %03d', $i), 'type' => 'regular',
            'isActive' => true, 'password' => $userPassword, 'passwordConfirm' => $userPassword,
            'teamsIds' => [$team['id']], 'rolesIds' => [$role['id']],
        ]), "create user $name");
        $existing[$name] = $body['id'];
        $created++;
    }

    $userIds[$i] = $existing[$name];
}

$authorName = 'benchpost000';
$authorId = $userIds[0];
$author = new Api($apiUrl, $authorName, $userPassword);
$login = $author->get('App/user');

if ($login->status !== 200) {
    // An earlier run with another --password: set this one.
    need($admin->put("User/$authorId", ['password' => $userPassword, 'passwordConfirm' => $userPassword]), 'set the password of benchpost000');
    $login = $author->get('App/user');
}

$token = need($login, 'log in as benchpost000')['token'] ?? '';
printf("users: %d (%d created), team %s, role %s\n", $members, $created, $team['id'], $role['id']);

$account = findOne($admin, 'Account', 'name', 'bench post account')
    ?? need($admin->post('Account', ['name' => 'bench post account']), 'create account');
$accountId = $account['id'];
$followers = array_column(listAll($admin, "Account/$accountId/followers", ['select' => 'id']), 'id');
$missing = array_values(array_diff($userIds, $followers));
$extra = array_values(array_diff($followers, $userIds));

if ($missing !== []) {
    need($admin->post("Account/$accountId/followers", ['ids' => $missing]), 'add followers');
}

if ($extra !== []) {
    // The admin who created the record follows it: the followers are exactly the bench users.
    need($admin->delete("Account/$accountId/followers", ['ids' => $extra]), 'remove other followers');
}

$followers = array_column(listAll($admin, "Account/$accountId/followers", ['select' => 'id']), 'id');
$t->ok("the Account is followed by exactly the $members bench users", count($followers) === $members && array_diff($userIds, $followers) === [],
    count($followers) . ' followers');

$dialogName = "bench post $members";
$dialog = null;

foreach (listAll($author, 'EblaChat/dialogs') as $d) {
    // The oldest group of that name (ids grow with time).
    if (($d['name'] ?? '') === $dialogName && strcasecmp($d['type'] ?? '', 'group') === 0 && ($dialog === null || strcmp($d['id'], $dialog['id']) < 0)) {
        $dialog = $d;
    }
}

if ($dialog === null) {
    $dialog = need($author->post('EblaChat/dialogs', ['memberIds' => array_slice($userIds, 1), 'name' => $dialogName]), 'create the dialog');
}

$dialogId = $dialog['id'];
$memberIds = array_column(listAll($author, "EblaChat/dialogs/$dialogId/members"), 'id');
$missingMembers = array_values(array_diff($userIds, $memberIds));

if ($missingMembers !== []) {
    need($author->post("EblaChat/dialogs/$dialogId/members", ['userIds' => $missingMembers]), 'add members');
    $memberIds = array_column(listAll($author, "EblaChat/dialogs/$dialogId/members"), 'id');
}

$t->ok("the dialog has the $members bench users as members", count($memberIds) === $members && array_diff($userIds, $memberIds) === [],
    count($memberIds) . ' members');
printf("account %s, dialog %s\n", $accountId, $dialogId);

// ---- the two posts, and the floor: EspoCRM's cost of an authenticated request that does next to nothing
$client = new TokenClient($apiUrl, $authorName, $token);
$seq = 0;
$kinds = [
    'chat' => fn () => $client->request('POST', "EblaChat/dialogs/$dialogId/messages", ['text' => 'bench chat post ' . (++$seq)]),
    'stream' => fn () => $client->request('POST', 'Note', ['type' => 'Post', 'parentType' => 'Account', 'parentId' => $accountId,
        'post' => 'bench stream post ' . (++$seq)]),
    'floor' => fn () => $client->request('GET', 'App/about'),
];
$labels = [
    'chat' => 'Ebla Chat: POST EblaChat/dialogs/:id/messages',
    'stream' => 'EspoCRM: POST Note (Post on the Account)',
    'floor' => 'floor: GET App/about',
];
$times = ['chat' => [], 'stream' => [], 'floor' => []];
$failures = ['chat' => 0, 'stream' => 0, 'floor' => 0];
$rotations = [['chat', 'stream', 'floor'], ['stream', 'floor', 'chat'], ['floor', 'chat', 'stream']];

echo "== $warmup warm-up rounds (dropped), then $posts posts of each kind (and as many floor requests), interleaved\n";

for ($round = 0; $round < $warmup + $posts; $round++) {
    foreach ($rotations[$round % 3] as $kind) {
        [$status, $body, $ms] = $kinds[$kind]();

        if ($status !== 200 || ($kind !== 'floor' && empty($body['id']))) {
            $failures[$kind]++;
            fwrite(STDERR, "$kind: HTTP $status " . substr(json_encode($body), 0, 200) . "\n");

            continue;
        }

        if ($round >= $warmup) {
            $times[$kind][] = $ms;
        }
    }
}

$t->ok('every request answered 200', array_sum($failures) === 0, json_encode($failures));
$summary = [];

foreach ($times as $kind => $list) {
    $summary[$kind] = $list === [] ? null : [
        'n' => count($list),
        'median' => percentile($list, 50),
        'p90' => percentile($list, 90),
        'min' => min($list),
        'max' => max($list),
    ];
}

// ---- one post of each kind, counted: rows, and what the database server ran
$counts = [];

if ($db !== null) {
    echo "== counting ($repeat posts of each kind, each alone between two reads of the server's counters)\n";
    $q = fn (string $sql, array $a = []) => $db->value($sql, $a);
    $others = array_slice($userIds, 1);
    $snapshot = fn () => $db->status() + ($redis?->status() ?? []);
    $baseline = [];

    for ($i = 0; $i < $repeat; $i++) {
        $a = $snapshot();
        $b = $snapshot();
        $baseline[] = array_map(fn ($k) => $b[$k] - $a[$k], array_combine(array_keys($a), array_keys($a)));
    }

    foreach (['chat', 'stream', 'floor'] as $kind) {
        $runs = [];

        for ($i = 0; $i < $repeat; $i++) {
            $notifBefore = $q('SELECT COUNT(*) FROM notification');
            $notesBefore = $q('SELECT COUNT(*) FROM note WHERE parent_type = ? AND parent_id = ?',
                $kind === 'chat' ? ['Dialog', $dialogId] : ['Account', $accountId]);
            $before = $snapshot();
            [$status, $body, $ms] = $kinds[$kind]();
            $after = $snapshot();
            $notifAfter = $q('SELECT COUNT(*) FROM notification');
            $notesAfter = $q('SELECT COUNT(*) FROM note WHERE parent_type = ? AND parent_id = ?',
                $kind === 'chat' ? ['Dialog', $dialogId] : ['Account', $accountId]);
            $delta = [];

            foreach ($after as $k => $v) {
                // Minus what the same reads cost with nothing in between (our own SHOW, INFO).
                $delta[$k] = $v - $before[$k] - min(array_column($baseline, $k));
            }

            $noteId = $body['id'] ?? '';
            $forNote = $q('SELECT COUNT(*) FROM notification WHERE related_type = ? AND related_id = ?', ['Note', $noteId]);
            $forNoteUsers = $db->pdo->prepare('SELECT user_id FROM notification WHERE related_type = ? AND related_id = ?');
            $forNoteUsers->execute(['Note', $noteId]);
            $notified = $forNoteUsers->fetchAll(PDO::FETCH_COLUMN);
            sort($notified);
            $expected = $others;
            sort($expected);
            $runs[] = [
                'status' => $status,
                'ms' => $ms,
                'server' => $delta,
                'notesCreated' => $notesAfter - $notesBefore,
                'notificationRowsCreated' => $notifAfter - $notifBefore,
                'notificationRowsOfTheNote' => $forNote,
                'notifiedAreTheOtherMembers' => $notified === $expected,
            ];
        }

        $counts[$kind] = $runs;
    }

    $c = $counts['chat'];
    $s = $counts['stream'];
    $t->ok('the chat post created 1 note each time', array_unique(array_column($c, 'notesCreated')) === [1]);
    $t->ok('the chat post created no notification row', array_unique(array_column($c, 'notificationRowsOfTheNote')) === [0]);
    $t->ok("EspoCRM's stream post created 1 note each time", array_unique(array_column($s, 'notesCreated')) === [1]);
    $t->ok("EspoCRM's stream post created " . ($members - 1) . ' notification rows (one per follower but the author)',
        array_unique(array_column($s, 'notificationRowsOfTheNote')) === [$members - 1], json_encode(array_column($s, 'notificationRowsOfTheNote')));
    $t->ok('... for exactly the other followers', !in_array(false, array_column($s, 'notifiedAreTheOtherMembers'), true));
    $counts['baseline'] = $baseline;

    if (!empty($opt['trace'])) {
        echo "== on the wire (strace on the web server's workers, 2 posts of each kind)\n";
        $redisPort = $redis === null ? null : (int) (parse_url($opt['redis'])['port'] ?? 6379);
        $tracer = new WireTracer((int) $opt['trace'], $db->port, $db->pg, $redisPort);

        foreach (['chat', 'stream', 'floor'] as $kind) {
            for ($i = 0; $i < 2; $i++) {
                $tracer->start();
                [$status] = $kinds[$kind]();
                $counts['wire'][$kind][] = $tracer->stop() + ['status' => $status];
            }
        }
    }
}

// ---- optional: the chat post and EspoCRM's post reach a member over WebSocket
$ws = null;

if (!empty($opt['ws'])) {
    echo "== WebSocket ({$opt['ws']})\n";

    try {
        $member = new Api($apiUrl, 'benchpost001', $userPassword);

        if ($member->get('App/user')->status !== 200) {
            need($admin->put("User/{$userIds[1]}", ['password' => $userPassword, 'passwordConfirm' => $userPassword]), 'set the password of benchpost001');
        }

        $cred = $member->wsCredentials();
        $wamp = new Wamp($opt['ws'], $cred['token'], $cred['userId']);
        $wamp->subscribe('eblaChat.message');
        $wamp->subscribe('newNotification');
        usleep(500_000);
        [, $body] = $kinds['chat']();
        $ev = $wamp->waitFor(fn ($e) => $e['topic'] === 'eblaChat.message' && ($e['data']['messageId'] ?? '') === ($body['id'] ?? '-'), 10);
        $t->ok('a member received the chat message over WebSocket (eblaChat.message)', $ev !== null);
        $wamp->events = [];
        $kinds['stream']();
        $ev2 = $wamp->waitFor(fn ($e) => $e['topic'] === 'newNotification', 10);
        $t->ok("a follower received EspoCRM's newNotification over WebSocket", $ev2 !== null);
        $wamp->close();
        $ws = ['chatMessage' => $ev !== null, 'newNotification' => $ev2 !== null];
    } catch (Throwable $e) {
        $t->ok('WebSocket checks', false, $e->getMessage());
    }
}

$load = explode(' ', (string) @file_get_contents('/proc/loadavg'));
$machine['loadAfter'] = implode(' ', array_slice($load, 0, 3));

// ---- report
echo "== results: $posts posts of each kind by benchpost000 to $members members / followers ($warmup warm-up rounds dropped)\n";
printf("%-48s %10s %10s %10s\n", 'request (client wall time)', 'median ms', 'p90 ms', 'min ms');

foreach ($labels as $kind => $label) {
    $x = $summary[$kind];

    if ($x !== null) {
        printf("%-48s %10.2f %10.2f %10.2f\n", $label, $x['median'], $x['p90'], $x['min']);
    }
}

$ratio = null;

if ($summary['chat'] !== null && $summary['stream'] !== null && $summary['floor'] !== null) {
    $c = $summary['chat'];
    $e = $summary['stream'];
    $f = $summary['floor'];
    $ratio = [
        'median' => $e['median'] / $c['median'],
        'p90' => $e['p90'] / $c['p90'],
        // What each post costs beyond EspoCRM's cost of any request.
        'medianAboveFloor' => ($c['median'] - $f['median']) > 0 ? ($e['median'] - $f['median']) / ($c['median'] - $f['median']) : null,
    ];
    printf("ratio EspoCRM / Ebla Chat: median %.2f, p90 %.2f; above the floor (median): %s ms / %s ms = %s\n",
        $ratio['median'], $ratio['p90'], number_format($e['median'] - $f['median'], 2), number_format($c['median'] - $f['median'], 2),
        $ratio['medianAboveFloor'] === null ? '-' : number_format($ratio['medianAboveFloor'], 1));
}

if ($counts !== []) {
    // Every counter that moved in some counted post, in a fixed order.
    $moved = [];

    foreach (['chat', 'stream', 'floor'] as $kind) {
        foreach ($counts[$kind] as $r) {
            foreach ($r['server'] as $k => $v) {
                if ($v !== 0) {
                    $moved[$k] = true;
                }
            }
        }
    }

    $order = ['Questions', 'xact_commit', 'xact_rollback'];
    $keys = array_values(array_unique(array_merge(array_intersect($order, array_keys($moved)), array_keys($moved))));
    echo $db->pg ? "server counters per post (pg_stat_database of this database; each run, minus an empty read)\n"
        : "server counters per post (SHOW GLOBAL STATUS, each run, minus an empty read)\n";

    $cell = function (string $kind, string $k) use ($counts): string {
        $values = array_map(fn ($r) => $r['server'][$k] ?? 0, $counts[$kind]);

        return count(array_unique($values)) === 1 ? (string) $values[0] : implode('/', $values);
    };
    $rowsCell = function (string $kind) use ($counts): string {
        $values = array_column($counts[$kind], 'notificationRowsCreated');

        return count(array_unique($values)) === 1 ? (string) $values[0] : implode('/', $values);
    };
    printf("  %-22s %18s %18s %18s\n", '', 'chat post', 'stream post', 'floor');

    foreach ($keys as $k) {
        printf("  %-22s %18s %18s %18s\n", $k, $cell('chat', $k), $cell('stream', $k), $cell('floor', $k));
    }

    printf("  %-22s %18s %18s %18s\n", 'notification rows', $rowsCell('chat'), $rowsCell('stream'), $rowsCell('floor'));

    if (!empty($counts['wire'])) {
        echo "on the wire (strace; each traced post)\n";
        $wire = fn (string $kind, callable $f) => implode('/', array_unique(array_map($f, $counts['wire'][$kind])));

        foreach ([
            'DB statements' => fn ($w) => $w['db']['statements'],
            'DB prepares' => fn ($w) => $w['db']['prepares'],
            'DB deallocates' => fn ($w) => $w['db']['deallocates'],
            'DB round trips' => fn ($w) => $w['db']['roundTrips'],
            'DB connections' => fn ($w) => $w['db']['connections'],
            'Redis round trips' => fn ($w) => $w['redis']['roundTrips'] ?? '-',
        ] as $label => $f) {
            printf("  %-22s %18s %18s %18s\n", $label, $wire('chat', $f), $wire('stream', $f), $wire('floor', $f));
        }
    }
}

printf("machine: %s CPUs, load %s before, %s after\n", $machine['cpus'] ?? '?', $machine['loadBefore'], $machine['loadAfter']);

if (!empty($opt['json'])) {
    file_put_contents($opt['json'], json_encode([
        'url' => $opt['url'],
        'espocrmVersion' => $espoVersion,
        'useCache' => $useCache,
        'database' => $db ? ['platform' => $db->pg ? 'PostgreSQL' : 'MariaDB/MySQL', 'version' => $db->version(), 'name' => $db->name] : null,
        'machine' => $machine,
        'members' => $members,
        'posts' => $posts,
        'warmup' => $warmup,
        'summaryMs' => $summary,
        'ratioStreamOverChat' => $ratio,
        'counts' => $counts,
        'webSocket' => $ws,
        'checks' => array_map(fn ($r) => ['name' => $r[0], 'ok' => $r[1], 'detail' => $r[2]], $t->results),
        'timesMs' => $times,
    ], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
    echo "figures written to {$opt['json']}\n";
}

exit($t->failed() === 0 ? 0 : 1);
