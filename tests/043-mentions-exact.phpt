--TEST--
Mentions stay exact through edits and deletes; a deleted direct dialog does not block the pair
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $ann = ec_user($pdo, 'ann');
    $ben = ec_user($pdo, 'ben');
    $g = ebla_chat_dialog_open($pdo, $ann, [$ben], ['type' => 'group'])['id'];
    $m = fn() => ebla_chat_dialog_get($pdo, $ben, $g)['mentions'] . '/' . ebla_chat_dialog_get($pdo, $ben, $g)['unread'];
    $a = ebla_chat_post($pdo, $ann, $g, 'plain');
    $b = ebla_chat_post($pdo, $ann, $g, 'hey @ben');
    echo "posted (mentions/unread):      ", $m(), "\n";
    ebla_chat_message_edit($pdo, $ann, $a['id'], 'now @ben');
    echo "edit adds a mention:           ", $m(), "\n";
    ebla_chat_message_delete($pdo, $ann, $a['id']);
    echo "deleting it takes one back:    ", $m(), "\n";
    ebla_chat_message_edit($pdo, $ann, $b['id'], 'hey');
    echo "edit removes the mention:      ", $m(), "\n";
    ebla_chat_message_delete($pdo, $ann, $b['id']);
    echo "all gone:                      ", $m(), "\n";
    $c = ebla_chat_post($pdo, $ann, $g, '@ben read this');
    ebla_chat_mark_read($pdo, $ben, $g);
    ebla_chat_message_edit($pdo, $ann, $c['id'], '@ben read this, edited');
    echo "edits of read messages: no:    ", $m(), "\n";

    $d = ebla_chat_dialog_open($pdo, $ann, [$ben])['id'];
    $pdo->exec("UPDATE dialog SET deleted = TRUE WHERE id = " . $pdo->quote($d));  // as EspoCRM's UI deletes it
    $d2 = ebla_chat_dialog_open($pdo, $ben, [$ann])['id'];
    echo "reopened after delete: new=", var_export($d2 !== $d, true), ", again same=", var_export(ebla_chat_dialog_open($pdo, $ann, [$ben])['id'] === $d2, true), "\n";
});
?>
--EXPECT--
posted (mentions/unread):      1/2
edit adds a mention:           2/2
deleting it takes one back:    1/1
edit removes the mention:      0/1
all gone:                      0/0
edits of read messages: no:    0/0
reopened after delete: new=true, again same=true
