--TEST--
Posting in two round trips: what the unlocked reads saw is checked again under the lock (actor removed, attachment taken by a concurrent post, dialog deleted, mentioned member removed meanwhile: the same outcome as the classic way, nothing half-written); a database error in the middle of the script; caller transactions (REPEATABLE READ on MariaDB, savepoints); connections without multi-statements or with server-side prepares
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.redis_url=tcp://127.0.0.1:1/0
ebla_chat.redis_retry_interval=3600
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';
require __DIR__ . '/faults.inc';

/** Counts the round trips of the calls made through a connection (every execute() is one). */
class RoundTrip extends PDOStatement
{
    public static int $n = 0;
    public function execute(?array $params = null): bool
    {
        self::$n++;
        return parent::execute($params);
    }
}

/**
 * $holder has begun a transaction that holds the dialog's lock (or the attachment's row) and
 * changed something without committing. A child process posts on its own connection: its
 * unlocked reads see the old state, its script waits for the lock (seen in the server's own view
 * of the child's connection: on MariaDB the statement of the script it waits in), then $holder
 * commits and the child reports what its post answered.
 */
function ec_post_against(string $backend, string $dsn, PDO $pdo, PDO $holder, string $waitsIn, array $args): string
{
    [$user, $pass] = ec_credentials($backend);
    $script = tempnam(sys_get_temp_dir(), 'ebla_rt') . '.php';
    file_put_contents($script, '<?php
        $a = json_decode($argv[1], true);
        $pdo = new PDO($a["dsn"], $a["user"], $a["pass"], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $pdo->exec(str_starts_with($a["dsn"], "mysql:") ? "SET SESSION innodb_lock_wait_timeout = 60" : "SET lock_timeout = \'60s\'");
        echo "ready ", $pdo->query(str_starts_with($a["dsn"], "mysql:") ? "SELECT CONNECTION_ID()" : "SELECT pg_backend_pid()")->fetchColumn(), "\n";
        try {
            $r = ebla_chat_post($pdo, $a["actor"], $a["dialog"], $a["text"], $a["attachments"]);
            echo "posted ", $r["text"], ", mentions ", count($r["mentions"]), "\n";
        } catch (Throwable $e) {
            echo get_class($e), ": ", preg_replace("/\\b[0-9a-f]{17}\\b/", "<id>", $e->getMessage()), "\n";
        }
    ');
    $cmd = ec_php_command($script);
    $cmd[] = json_encode(['dsn' => $dsn, 'user' => $user, 'pass' => $pass] + $args + ['attachments' => []]);
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $line = fgets($pipes[1]);
    if (!preg_match('/^ready (\d+)/', (string) $line, $m)) {
        $holder->rollBack();
        return 'child did not start: ' . $line . stream_get_contents($pipes[2]);
    }
    $waiting = $backend === 'mysql'
        ? "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND COMMAND = 'Query' AND INFO LIKE '$waitsIn%'"
        : "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'";
    $seen = false;
    for ($i = 0; $i < 3000 && !$seen; $i++) {  // at most about 30 s, then report instead of hanging
        $seen = (int) ec_scalar($pdo, $waiting, [(int) $m[1]]) === 1;
        if (!$seen) {
            usleep(10000);
        }
    }
    $holder->commit();
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($proc);
    unlink($script);
    return ($seen ? '' : "(the child was never seen waiting) ") . trim($out);
}

function ec_notes(PDO $pdo): int
{
    return (int) ec_scalar($pdo, "SELECT COUNT(*) FROM note WHERE parent_type = 'Dialog'");
}

foreach (ec_backends() as $backend) {
    if ($backend === 'sqlite') {
        continue;  // SQLite posts the classic way (no network to save)
    }
    echo "== $backend\n";
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    [$user, $pass] = ec_credentials($backend);
    $a = ec_user($pdo, 'a');
    $b = ec_user($pdo, 'b');
    $c = ec_user($pdo, 'c');
    $d = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['type' => 'group'])['id'];

    // -- round trips per post, whatever the connection's prepare mode
    foreach (['emulated prepares' => true, 'server-side prepares' => false] as $mode => $emulate) {
        $m = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_STATEMENT_CLASS => [RoundTrip::class], PDO::ATTR_EMULATE_PREPARES => $emulate]);
        $costs = [];
        foreach (['plain' => 'hello', 'with a mention' => 'hello @b'] as $what => $text) {
            ebla_chat_post($m, $a, $d, $text);  // warm: the actor and the statements are cached
            RoundTrip::$n = 0;
            ebla_chat_post($m, $a, $d, $text);
            $costs[] = "$what " . RoundTrip::$n;
        }
        echo "round trips per post, $mode: ", implode(', ', $costs), "\n";
        $m = null;
    }
    echo "  ", ec_recount_line($pdo), "\n";

    // -- checks inside the script: what the unlocked reads saw changed before the lock was ours
    $holder = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $lock = $backend === 'mysql' ? 'UPDATE dialog SET activity' : '';
    $notes = ec_notes($pdo);
    $holder->beginTransaction();
    ebla_chat_dialog_members($holder, $a, $d, [], [$c]);
    echo "actor removed meanwhile: ", ec_post_against($backend, $dsn, $pdo, $holder, $lock,
        ['actor' => $c, 'dialog' => $d, 'text' => 'too late']), "\n";
    echo "  notes written: ", ec_notes($pdo) - $notes, "; ", ec_recount_line($pdo), "\n";
    ebla_chat_dialog_members($pdo, $a, $d, [$c]);

    $notes = ec_notes($pdo);
    $holder->beginTransaction();
    ebla_chat_dialog_members($holder, $a, $d, [], [$c]);
    echo "mentioned member removed meanwhile: ", ec_post_against($backend, $dsn, $pdo, $holder, $lock,
        ['actor' => $b, 'dialog' => $d, 'text' => 'hi @c and @a']), "\n";
    echo "  notes written: ", ec_notes($pdo) - $notes, "; mentions recorded: ",
        implode(' ', array_keys(json_decode(ec_scalar($pdo, "SELECT data FROM note WHERE post = 'hi @c and @a'"), true)['mentions'] ?? [])),
        "; ", ec_recount_line($pdo), "\n";
    ebla_chat_dialog_members($pdo, $a, $d, [$c]);

    $other = ebla_chat_dialog_open($pdo, $a, [$b], ['type' => 'group'])['id'];
    $att = ec_attachment($pdo, $a, 'a.png', 'image/png');
    $notes = ec_notes($pdo);
    $holder->beginTransaction();
    ebla_chat_post($holder, $a, $other, 'mine first', [$att]);
    echo "attachment taken by a concurrent post: ", ec_post_against($backend, $dsn, $pdo, $holder,
        $backend === 'mysql' ? 'UPDATE attachment' : '', ['actor' => $a, 'dialog' => $d, 'text' => 'with it', 'attachments' => [$att]]), "\n";
    echo "  notes written: ", ec_notes($pdo) - $notes, " (the concurrent one); attachment's note: ",
        ec_scalar($pdo, 'SELECT n.post FROM attachment a JOIN note n ON n.id = a.parent_id WHERE a.id = ?', [$att]), "; ",
        ec_recount_line($pdo), "\n";

    $gone = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['type' => 'group'])['id'];
    $notes = ec_notes($pdo);
    $holder->beginTransaction();
    $holder->prepare('UPDATE dialog SET deleted = TRUE WHERE id = ?')->execute([$gone]);
    echo "dialog deleted meanwhile: ", ec_post_against($backend, $dsn, $pdo, $holder, $lock,
        ['actor' => $b, 'dialog' => $gone, 'text' => 'anyone?']), "\n";
    echo "  notes written: ", ec_notes($pdo) - $notes, "; ", ec_recount_line($pdo), "\n";
    $holder = null;

    // -- inside a caller's REPEATABLE READ transaction that has already read
    $caller = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    ec_begin_snapshot($caller);
    $last = ebla_chat_post($pdo, $b, $d, 'committed after the snapshot');
    try {
        $r = ebla_chat_post($caller, $a, $d, 'from an old snapshot');
        $caller->commit();
        echo "caller's REPEATABLE READ: posted number ", $r['number'] > $last['number'] ? 'above' : 'NOT ABOVE', " the newer post\n";
    } catch (PDOException $e) {
        $caller->rollBack();
        echo "caller's REPEATABLE READ: ", ec_is_transient($e) ? 'serialization failure, for the caller to retry' : $e->getMessage(), "\n";
    }
    echo "  b sees unread ", ebla_chat_dialog_get($pdo, $b, $d)['unread'], "; ", ec_recount_line($pdo), "\n";
    // What the caller's old snapshot shows is stale, and the script's current reads see it.
    $att = ec_attachment($pdo, $a, 'c.png', 'image/png');
    $gone2 = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['type' => 'group'])['id'];
    foreach (['attachment taken' => fn() => ebla_chat_post($pdo, $a, $other, 'taken', [$att]),
            'actor removed' => fn() => ebla_chat_dialog_members($pdo, $a, $gone2, [], [$c])] as $what => $meanwhile) {
        ec_begin_snapshot($caller);
        ebla_chat_dialog_mute($caller, $b, $d, true);
        $meanwhile();
        $notes = ec_notes($pdo);
        try {
            $what === 'attachment taken' ? ebla_chat_post($caller, $a, $d, 'old snapshot', [$att]) : ebla_chat_post($caller, $c, $gone2, 'old snapshot');
            $outcome = 'POSTED';
        } catch (EblaChat\Exception $e) {
            $outcome = get_class($e) . ': ' . preg_replace('/\b[0-9a-f]{17}\b/', '<id>', $e->getMessage());
        } catch (PDOException $e) {
            $outcome = ec_is_transient($e) ? 'serialization failure, for the caller to retry' : $e->getMessage();
        }
        if ($caller->inTransaction() && !str_starts_with($outcome, 'serialization')) {
            $caller->commit();
            $outcome .= '; the caller commits, its mute ' . (ec_scalar($pdo, 'SELECT is_muted FROM dialog_user WHERE dialog_id = ? AND user_id = ?', [$d, $b]) ? 'kept' : 'LOST');
            ebla_chat_dialog_mute($pdo, $b, $d, false);
        } elseif ($caller->inTransaction()) {
            $caller->rollBack();
        }
        echo "caller's REPEATABLE READ, $what after its snapshot: $outcome\n  notes written: ", ec_notes($pdo) - $notes, "; ",
            ec_recount_line($pdo), "\n";
    }
    $outsider = ec_user($pdo, 'outsider');
    $caller->beginTransaction();
    ebla_chat_dialog_mute($caller, $b, $d, true);
    foreach ([[$a, $gone], [$outsider, $d]] as [$who, $where]) {
        try {
            ebla_chat_post($caller, $who, $where, 'refused');
        } catch (EblaChat\Exception $e) {
            echo "  refused in the caller's transaction: ", get_class($e), "\n";
        }
    }
    $r = ebla_chat_post($caller, $a, $d, 'still usable');
    $caller->commit();
    echo "  caller's transaction after two refused posts: its mute ",
        ec_scalar($pdo, 'SELECT is_muted FROM dialog_user WHERE dialog_id = ? AND user_id = ?', [$d, $b]) ? 'kept' : 'LOST',
        ", the next post ", ec_scalar($pdo, 'SELECT post FROM note WHERE id = ?', [$r['id']]), "; ", ec_recount_line($pdo), "\n";
    $caller = null;

    // -- MySQL without multi-statements: the classic way, every time
    if ($backend === 'mysql') {
        $single = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::MYSQL_ATTR_MULTI_STATEMENTS => false,
            PDO::ATTR_STATEMENT_CLASS => [RoundTrip::class]]);
        $numbers = [];
        for ($i = 0; $i < 3; $i++) {
            RoundTrip::$n = 0;
            $numbers[] = ebla_chat_post($single, $a, $d, "single $i")['number'];
            $trips[] = RoundTrip::$n;
        }
        echo "multi-statements off: 3 posts, numbers ", $numbers === array_values(array_unique($numbers)) ? 'distinct' : 'REPEATED',
            ", statements of the last ", end($trips), " (and BEGIN, COMMIT); ", ec_recount_line($pdo), "\n";
        $single = null;
    }

    // -- a database error in the middle of the script: the n-th row written fails
    ec_fault_install($pdo, $backend);
    $silent = new PDO($dsn, $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_SILENT]);
    $att = ec_attachment($pdo, $a, 'b.png', 'image/png');
    $results = [];
    for ($n = 1; $n <= 8; $n++) {
        foreach (['alone' => $pdo, 'caller tx' => $pdo, 'silent mode' => $silent] as $how => $db) {
            if ($how === 'caller tx') {
                $db->beginTransaction();
                ebla_chat_dialog_mute($db, $c, $d, true);  // the caller's own work, before the post
            }
            $before = ec_fault_snapshot($pdo);
            ec_fault_arm($pdo, $n);
            try {
                ebla_chat_post($db, $a, $d, "fault $n @b", [$att]);
                $outcome = 'posted';
            } catch (PDOException $e) {
                $outcome = str_contains($e->getMessage(), 'injected fault') ? 'fault' : 'OTHER: ' . $e->getMessage();
            }
            if ($outcome !== 'posted') {
                $outcome .= ec_fault_snapshot($pdo) === $before ? '' : ' (LEFT ROWS BEHIND)';
            }
            if ($how === 'caller tx') {
                ec_fault_arm($pdo, 0);
                $db->commit();
                $kept = (int) ec_scalar($pdo, 'SELECT is_muted FROM dialog_user WHERE dialog_id = ? AND user_id = ?', [$d, $c]);
                ebla_chat_dialog_mute($pdo, $c, $d, false);
                $outcome .= $kept ? '' : ' (the caller\'s own work LOST)';
            }
            ec_fault_arm($pdo, 0);
            $outcome .= $db->inTransaction() ? ' (LEFT A TRANSACTION OPEN)' : '';
            $results[$outcome][] = "$n $how";
            if ($outcome === 'posted') {
                break 2;  // the first n above the rows a post writes
            }
        }
    }
    foreach ($results as $outcome => $where) {
        echo "fault at the n-th row written: $outcome: ", count($where) > 3 ? "n = 1.." . ($n - 1) . ', alone, in a caller\'s transaction, silent mode' : implode(', ', $where), "\n";
    }
    echo "  ", ec_recount_line($pdo), "\n";
}
?>
--EXPECT--
== mysql
round trips per post, emulated prepares: plain 2, with a mention 3
round trips per post, server-side prepares: plain 2, with a mention 3
  counters exact
actor removed meanwhile: EblaChat\ForbiddenException: You are not a member of dialog <id>
  notes written: 0; counters exact
mentioned member removed meanwhile: posted hi @c and @a, mentions 1
  notes written: 1; mentions recorded: @a; counters exact
attachment taken by a concurrent post: EblaChat\BadRequestException: An attachment was used by another message meanwhile
  notes written: 1 (the concurrent one); attachment's note: mine first; counters exact
dialog deleted meanwhile: EblaChat\NotFoundException: Dialog <id> not found
  notes written: 0; counters exact
caller's REPEATABLE READ: posted number above the newer post
  b sees unread 1; counters exact
caller's REPEATABLE READ, attachment taken after its snapshot: EblaChat\BadRequestException: An attachment was used by another message meanwhile; the caller commits, its mute kept
  notes written: 0; counters exact
caller's REPEATABLE READ, actor removed after its snapshot: EblaChat\ForbiddenException: You are not a member of dialog <id>; the caller commits, its mute kept
  notes written: 0; counters exact
  refused in the caller's transaction: EblaChat\NotFoundException
  refused in the caller's transaction: EblaChat\ForbiddenException
  caller's transaction after two refused posts: its mute kept, the next post still usable; counters exact
multi-statements off: 3 posts, numbers distinct, statements of the last 4 (and BEGIN, COMMIT); counters exact
fault at the n-th row written: fault: n = 1..6, alone, in a caller's transaction, silent mode
fault at the n-th row written: posted: 7 alone
  counters exact
== pgsql
round trips per post, emulated prepares: plain 2, with a mention 3
round trips per post, server-side prepares: plain 2, with a mention 3
  counters exact
actor removed meanwhile: EblaChat\ForbiddenException: You are not a member of dialog <id>
  notes written: 0; counters exact
mentioned member removed meanwhile: posted hi @c and @a, mentions 1
  notes written: 1; mentions recorded: @a; counters exact
attachment taken by a concurrent post: EblaChat\BadRequestException: An attachment was used by another message meanwhile
  notes written: 1 (the concurrent one); attachment's note: mine first; counters exact
dialog deleted meanwhile: EblaChat\NotFoundException: Dialog <id> not found
  notes written: 0; counters exact
caller's REPEATABLE READ: serialization failure, for the caller to retry
  b sees unread 0; counters exact
caller's REPEATABLE READ, attachment taken after its snapshot: serialization failure, for the caller to retry
  notes written: 0; counters exact
caller's REPEATABLE READ, actor removed after its snapshot: serialization failure, for the caller to retry
  notes written: 0; counters exact
  refused in the caller's transaction: EblaChat\NotFoundException
  refused in the caller's transaction: EblaChat\ForbiddenException
  caller's transaction after two refused posts: its mute kept, the next post still usable; counters exact
fault at the n-th row written: fault: n = 1..5, alone, in a caller's transaction, silent mode
fault at the n-th row written: posted: 6 alone
  counters exact
