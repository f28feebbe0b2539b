--TEST--
Lifetime: dropping the caller's last PDO reference closes its connection; no statement outlives it
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';

/** Open client connections to this test's database, counted by the server (not autovacuum). */
function ec_open_connections(PDO $monitor, string $backend, string $db): int
{
    return (int) ec_scalar($monitor, $backend === 'mysql'
        ? 'SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?'
        : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend'", [$db]);
}

/**
 * Connections above $baseline once the server has finished closing what was closed: a client
 * closes without waiting for the server, which drops the session a moment later. A connection
 * still held open never goes, so it is reported after the (generous) wait.
 */
function ec_connections_left(PDO $monitor, string $backend, string $db, int $baseline): int
{
    for ($i = 0; $i < 400; $i++) {
        $extra = ec_open_connections($monitor, $backend, $db) - $baseline;
        if ($extra <= 0) {
            return $extra;
        }
        usleep(25000);
    }
    return $extra;
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;
    }
    $monitor = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($monitor, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($monitor);
    [$user, $pass] = ec_credentials($backend);
    preg_match('/dbname=([^;]+)/', $dsn, $m);
    $db = $m[1];
    $me = ec_user($monitor, 'me');
    $other = ec_user($monitor, 'other');
    $d = ebla_chat_dialog_open($monitor, $me, [$other])['id'];
    ebla_chat_post($monitor, $other, $d, 'hello');

    // A worker that reconnects per job: every connection must be gone once its PDO is.
    foreach ([true, false] as $emulate) {
        $baseline = ec_open_connections($monitor, $backend, $db);
        $max = $leftover = 0;
        for ($i = 0; $i < 20; $i++) {
            $pdo = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
                PDO::ATTR_EMULATE_PREPARES => $emulate]);
            $unread = ebla_chat_unread($pdo, $me)['total'];
            ebla_chat_post($pdo, $me, $d, "job $i");
            $max = max($max, ec_open_connections($monitor, $backend, $db) - $baseline);
            $pdo = null;
            $leftover = max($leftover, $leftover > 0 // a leak seen once: no more waiting for it
                ? ec_open_connections($monitor, $backend, $db) - $baseline
                : ec_connections_left($monitor, $backend, $db, $baseline));
        }
        printf("%s (%s prepares): 20 cycles, unread %d, at most %d extra while in use, %d left over\n",
            $backend, $emulate ? 'emulated' : 'server-side', $unread, $max, $leftover);
    }

    // The statements die with their PDO object, also when the connection itself lives on
    // (persistent): the next PDO on that same session finds nothing left prepared by us. (On
    // PostgreSQL a statement's first run is unnamed; the ones run again are prepared on the server.)
    if ($backend === 'pgsql') {
        $options = [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_PERSISTENT => true];
        $pdo = new PDO($dsn, $user, $pass, $options);
        $session = ec_scalar($pdo, 'SELECT pg_backend_pid()');
        $before = ec_scalar($pdo, 'SELECT COUNT(*) FROM pg_prepared_statements');
        ebla_chat_unread($pdo, $me);
        ebla_chat_post($pdo, $me, $d, 'persistent');
        ebla_chat_messages($pdo, $me, $d, ['limit' => 5]);
        $during = ec_scalar($pdo, 'SELECT COUNT(*) FROM pg_prepared_statements');
        $pdo = null;
        $pdo = new PDO($dsn, $user, $pass, $options);
        echo 'pgsql persistent: same session: ', ec_scalar($pdo, 'SELECT pg_backend_pid()') === $session ? 'yes' : 'no',
            ', statements prepared while in use: ', $during > $before ? 'yes' : 'no',
            ', left after the PDO is gone: ', ec_scalar($pdo, 'SELECT COUNT(*) FROM pg_prepared_statements') - $before, "\n";
        $pdo = null;
    }
    $monitor = null;
}
/** A PDO whose destructor calls the engine once more. */
class ec_LastWordPDO extends PDO
{
    public string $actor = '';
    public static int $unread = -1;
    public function __destruct()
    {
        self::$unread = ebla_chat_unread($this, $this->actor)['total'];
    }
}

/** A statement class that keeps every statement it runs (user code can). */
class ec_KeptStatement extends PDOStatement
{
    public static array $kept = [];
    public function execute(?array $params = null): bool
    {
        self::$kept[] = $this;
        return parent::execute($params);
    }
}

// On every backend: the engine holds no reference, whatever way the PDO goes.
foreach (ec_backends() as $backend) {
    $setup = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($setup, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($setup);
    [$user, $pass] = ec_credentials($backend);
    $me = ec_user($setup, 'me');
    $other = ec_user($setup, 'other');
    $d = ebla_chat_dialog_open($setup, $me, [$other])['id'];
    ebla_chat_post($setup, $other, $d, 'hello');
    $open = fn(string $class = PDO::class, array $options = []) =>
        new $class($dsn, $user, $pass, $options + [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $seen = [];

    $pdo = $open();
    ebla_chat_unread($pdo, $me);
    $weak = WeakReference::create($pdo);
    $pdo = null;
    $seen[] = 'dropped: ' . ($weak->get() === null ? 'freed' : 'alive');

    // In a reference cycle: freed by the cycle collector.
    $holder = new stdClass();
    $holder->pdo = $open();
    $holder->self = $holder;
    ebla_chat_post($holder->pdo, $me, $d, 'from a cycle');
    $weak = WeakReference::create($holder->pdo);
    $holder = null;
    gc_collect_cycles();
    $seen[] = 'cycle: ' . ($weak->get() === null ? 'freed' : 'alive');

    // Its destructor uses the engine again: that works, and the object still goes.
    $pdo = $open(ec_LastWordPDO::class);
    $pdo->actor = $me;
    ebla_chat_unread($pdo, $me);
    $weak = WeakReference::create($pdo);
    $pdo = null;
    $seen[] = 'destructor: unread ' . ec_LastWordPDO::$unread . ', ' . ($weak->get() === null ? 'freed' : 'alive');

    // Statements kept by user code keep their PDO alive, as any PDOStatement does, and run.
    $pdo = $open(PDO::class, [PDO::ATTR_STATEMENT_CLASS => [ec_KeptStatement::class]]);
    ebla_chat_unread($pdo, $me);
    $weak = WeakReference::create($pdo);
    $pdo = null;
    $alive = $weak->get() !== null;
    $ran = false;
    foreach (ec_KeptStatement::$kept as $stmt) {
        if (substr_count($stmt->queryString, '?') === 1) {
            $ran = $stmt->execute([$me]);
            break;
        }
    }
    $stmt = null;
    ec_KeptStatement::$kept = [];
    $seen[] = 'kept statements: ' . ($alive ? 'alive' : 'freed') . ($ran ? ', still run' : '')
        . ', then ' . ($weak->get() === null ? 'freed' : 'alive');
    echo "$backend: ", implode('; ', $seen), "\n";
    $setup = null;
}
echo "done\n";
?>
--EXPECT--
mysql (emulated prepares): 20 cycles, unread 0, at most 1 extra while in use, 0 left over
mysql (server-side prepares): 20 cycles, unread 0, at most 1 extra while in use, 0 left over
pgsql (emulated prepares): 20 cycles, unread 0, at most 1 extra while in use, 0 left over
pgsql (server-side prepares): 20 cycles, unread 0, at most 1 extra while in use, 0 left over
pgsql persistent: same session: yes, statements prepared while in use: yes, left after the PDO is gone: 0
sqlite: dropped: freed; cycle: freed; destructor: unread 0, freed; kept statements: alive, still run, then freed
mysql: dropped: freed; cycle: freed; destructor: unread 0, freed; kept statements: alive, still run, then freed
pgsql: dropped: freed; cycle: freed; destructor: unread 0, freed; kept statements: alive, still run, then freed
done
