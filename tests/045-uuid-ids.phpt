--TEST--
UUID mode (EspoCRM recordId.type = uuid4): 36-character ids through schema, dialogs, messages and counters
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.id_type=uuid4
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $uuid = '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/';
    $a = ec_user($pdo, 'anna');
    $b = ec_user($pdo, 'bob');
    $d = ebla_chat_dialog_open($pdo, $a, [$b], ['parentType' => 'Case', 'parentId' => ebla_chat_generate_id()]);
    $f = ec_attachment($pdo, $b, 'a.ogg', 'audio/ogg');
    $m = ebla_chat_post($pdo, $b, $d['id'], '', [$f], ['voice' => true]);
    echo "ids are UUIDs: ", var_export(preg_match($uuid, $a) && preg_match($uuid, $d['id']) && preg_match($uuid, $m['id']), true), "\n";
    echo "direct_key length: ", strlen(ec_scalar($pdo, 'SELECT direct_key FROM dialog WHERE id = ?', [$d['id']])), "\n";
    echo "anna: unread=", ebla_chat_unread($pdo, $a)['total'], ", voice=", var_export(ebla_chat_messages($pdo, $a, $d['id'])[0]['voice'], true), "\n";
    echo "reused: ", var_export(ebla_chat_dialog_open($pdo, $b, [$a], ['parentType' => 'Case', 'parentId' => $d['parentId']])['id'] === $d['id'], true), "\n";
    echo "read: ", ebla_chat_mark_read($pdo, $a, $d['id']), "\n";
    ec_throws(fn() => ebla_chat_dialog_get($pdo, $a, $d['id'] . '0'));
});
?>
--EXPECT--
ids are UUIDs: true
direct_key length: 115
anna: unread=1, voice=true
reused: true
read: 0
EblaChat\BadRequestException: dialogId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
