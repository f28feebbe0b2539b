--TEST--
Faults: an uninitialised PDO is a ValueError for every function; a PDO whose connection was killed, or that cannot write, raises its PDOException and writes nothing
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/fuzz/checker.inc';

echo "-- uninitialised PDO\n";
$bare = (new ReflectionClass(PDO::class))->newInstanceWithoutConstructor();
$id = ebla_chat_generate_id();
$calls = [
    'schema' => fn() => ebla_chat_schema($bare),
    'dialog_open' => fn() => ebla_chat_dialog_open($bare, $id, [ebla_chat_generate_id()]),
    'dialog_get' => fn() => ebla_chat_dialog_get($bare, $id, $id),
    'dialog_list' => fn() => ebla_chat_dialog_list($bare, $id),
    'dialog_members' => fn() => ebla_chat_dialog_members($bare, $id, $id, [$id]),
    'dialog_mute' => fn() => ebla_chat_dialog_mute($bare, $id, $id, true),
    'post' => fn() => ebla_chat_post($bare, $id, $id, 'x'),
    'messages' => fn() => ebla_chat_messages($bare, $id, $id),
    'message_edit' => fn() => ebla_chat_message_edit($bare, $id, $id, 'x'),
    'message_delete' => fn() => ebla_chat_message_delete($bare, $id, $id),
    'unread' => fn() => ebla_chat_unread($bare, $id),
    'mark_read' => fn() => ebla_chat_mark_read($bare, $id, $id),
    'popups' => fn() => ebla_chat_popups($bare, $id),
    'poll' => fn() => ebla_chat_poll($bare, $id),
    'can_chat' => fn() => ebla_chat_can_chat($bare, $id, $id),
    'partners' => fn() => ebla_chat_partners($bare, $id),
];
foreach ($calls as $name => $call) {
    echo str_pad($name, 16), ' ';
    ec_throws($call);
}

echo "-- a connection the server killed, a read-only SQLite handle\n";
foreach (ec_backends() as $backend) {
    $pdo = ec_fresh_pdo($backend, $dsn);
    ebla_chat_schema($pdo, EBLA_CHAT_SCHEMA_CORE);
    ec_baseline_role($pdo);
    $a = ec_user($pdo, 'alice');
    $b = ec_user($pdo, 'bob');
    $dialog = ebla_chat_dialog_open($pdo, $a, [$b], ['name' => 'g'])['id'];
    $message = ebla_chat_post($pdo, $a, $dialog, 'first')['id'];
    $before = ec_scalar($pdo, 'SELECT COUNT(*) FROM note') . '/' . ec_scalar($pdo, 'SELECT SUM(read_count) FROM dialog_user');
    [$user, $pass] = ec_credentials($backend);
    $writes = [
        'post' => fn($p) => ebla_chat_post($p, $b, $dialog, 'lost'),
        'edit' => fn($p) => ebla_chat_message_edit($p, $a, $message, 'changed'),
        'delete' => fn($p) => ebla_chat_message_delete($p, $a, $message),
        'mark_read' => fn($p) => ebla_chat_mark_read($p, $b, $dialog),
        'members' => fn($p) => ebla_chat_dialog_members($p, $a, $dialog, [ec_user($pdo, 'carol' . mt_rand())]),
        'open' => fn($p) => ebla_chat_dialog_open($p, $b, [$a], ['name' => 'new']),
    ];
    $out = [];
    foreach ($writes as $name => $write) {
        foreach (['exception' => PDO::ERRMODE_EXCEPTION, 'silent' => PDO::ERRMODE_SILENT] as $mode => $errmode) {
            if ($backend === 'sqlite') {
                $broken = new PDO($dsn, null, null, [PDO::SQLITE_ATTR_OPEN_FLAGS => PDO::SQLITE_OPEN_READONLY]);
            } else {
                $broken = new PDO($dsn, $user, $pass);
                $sql = $backend === 'mysql' ? 'SELECT CONNECTION_ID()' : 'SELECT pg_backend_pid()';
                $victim = $broken->query($sql)->fetchColumn();
                $pdo->query($backend === 'mysql' ? "KILL CONNECTION $victim" : "SELECT pg_terminate_backend($victim)")->fetchAll();
            }
            $broken->setAttribute(PDO::ATTR_ERRMODE, $errmode);
            try {
                $write($broken);
                $out[] = "$name/$mode: no exception";
            } catch (PDOException $e) {
                $out[] = "$name/$mode: PDOException";
            } catch (Throwable $e) {
                $out[] = "$name/$mode: " . get_class($e) . ': ' . $e->getMessage();
            }
            $broken = null;
        }
    }
    $after = ec_scalar($pdo, 'SELECT COUNT(*) FROM note') . '/' . ec_scalar($pdo, 'SELECT SUM(read_count) FROM dialog_user');
    echo "$backend: ", implode(', ', array_unique(array_map(fn($l) => preg_replace('/^\w+\/\w+: /', '', $l), $out))), "\n";
    foreach ($out as $l) {
        if (!str_ends_with($l, 'PDOException')) {
            echo "  $l\n";
        }
    }
    echo "$backend: notes/read counts ", $before === $after ? 'unchanged' : "CHANGED $before -> $after",
        ', text ', ebla_chat_messages($pdo, $a, $dialog)[0]['text'], ', consistency: ', implode('; ', ec_consistency($pdo)) ?: 'ok', "\n";
}
?>
--EXPECTF--
-- uninitialised PDO
schema           ValueError (not EblaChat\Exception): ebla_chat_schema(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
dialog_open      ValueError (not EblaChat\Exception): ebla_chat_dialog_open(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
dialog_get       ValueError (not EblaChat\Exception): ebla_chat_dialog_get(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
dialog_list      ValueError (not EblaChat\Exception): ebla_chat_dialog_list(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
dialog_members   ValueError (not EblaChat\Exception): ebla_chat_dialog_members(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
dialog_mute      ValueError (not EblaChat\Exception): ebla_chat_dialog_mute(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
post             ValueError (not EblaChat\Exception): ebla_chat_post(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
messages         ValueError (not EblaChat\Exception): ebla_chat_messages(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
message_edit     ValueError (not EblaChat\Exception): ebla_chat_message_edit(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
message_delete   ValueError (not EblaChat\Exception): ebla_chat_message_delete(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
unread           ValueError (not EblaChat\Exception): ebla_chat_unread(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
mark_read        ValueError (not EblaChat\Exception): ebla_chat_mark_read(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
popups           ValueError (not EblaChat\Exception): ebla_chat_popups(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
poll             ValueError (not EblaChat\Exception): ebla_chat_poll(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
can_chat         ValueError (not EblaChat\Exception): ebla_chat_can_chat(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
partners         ValueError (not EblaChat\Exception): ebla_chat_partners(): Argument #1 ($pdo) must be an initialized PDO (its constructor was not called)
-- a connection the server killed, a read-only SQLite handle
sqlite: PDOException
sqlite: notes/read counts unchanged, text first, consistency: ok
mysql: PDOException
mysql: notes/read counts unchanged, text first, consistency: ok
pgsql: PDOException
pgsql: notes/read counts unchanged, text first, consistency: ok
