--TEST--
The consistency checker: a scenario recounts clean, and every kind of corruption is reported
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/consistency.inc';
ec_run(function (PDO $pdo) {
    $ann = ec_user($pdo, 'ann');
    $ben = ec_user($pdo, 'ben');
    $cat = ec_user($pdo, 'cat');
    $g = ebla_chat_dialog_open($pdo, $ann, [$ben, $cat], ['type' => 'group'])['id'];
    $d = ebla_chat_dialog_open($pdo, $ann, [$ben])['id'];
    $m1 = ebla_chat_post($pdo, $ann, $g, 'hi @ben and @cat');
    $m2 = ebla_chat_post($pdo, $ben, $g, 'hello', [ec_attachment($pdo, $ben, 'a.txt', 'text/plain')]);
    $m3 = ebla_chat_post($pdo, $ann, $g, 'again @ben');
    ebla_chat_mark_read($pdo, $cat, $g);
    ebla_chat_message_edit($pdo, $ann, $m1['id'], 'hi @cat');
    ebla_chat_message_delete($pdo, $ben, $m2['id']);
    ebla_chat_post($pdo, $ben, $d, 'direct');
    ec_print_consistency($pdo, 'after the scenario');
    echo "strict, attachment of the deleted message: ", count(ec_check_consistency($pdo, true)), "\n";

    $q = fn(string $s) => $pdo->quote($s);
    $pdo->exec("UPDATE dialog SET message_count = message_count + 1, last_message_number = 1 WHERE id = " . $q($g));
    $pdo->exec("UPDATE dialog_user SET mention_count = 5 WHERE user_id = " . $q($cat) . " AND dialog_id = " . $q($g));
    $pdo->exec("UPDATE dialog_user SET read_count = -1 WHERE user_id = " . $q($ben) . " AND dialog_id = " . $q($d));
    ec_insert($pdo, 'note', ['id' => ebla_chat_generate_id(), 'deleted' => 0, 'post' => 'lost', 'data' => '{}', 'type' => 'Post',
        'parent_id' => 'nosuchdialog', 'parent_type' => 'Dialog', 'created_by_id' => $ann]);
    $att = ec_attachment($pdo, $ann, 'b.txt', 'text/plain');
    $pdo->exec("UPDATE attachment SET parent_id = 'nosuchnote' WHERE id = " . $q($att));
    ec_insert($pdo, 'dialog', ['id' => 'dupdialog', 'deleted' => 0, 'type' => 'Direct', 'name' => null,
        'direct_key' => null, 'message_count' => 0, 'last_message_number' => 0]);
    $diffs = ec_check_consistency($pdo);
    $names = [$g => 'G', $d => 'D', $ann => 'ann', $ben => 'ben', $cat => 'cat', $att => 'ATT'];
    $lines = [];
    foreach ($diffs as $line) {
        $lines[] = preg_replace(['/note [0-9a-f]{17}/', '/membership \d+/'], ['note N', 'membership N'], strtr($line, $names));
    }
    sort($lines);
    echo implode("\n", $lines), "\n";
}, EBLA_CHAT_SCHEMA_CORE, 'all', false);
?>
--EXPECT--
after the scenario: consistent
strict, attachment of the deleted message: 1
attachment ATT: linked to note nosuchnote, which does not exist
dialog G: last_message_number stored '1', recounted '3'
dialog G: message_count stored '3', recounted '2'
dialog dupdialog: a live direct dialog without direct_key
membership N (user ann, dialog G): unread stored 1 (message_count 3 - read_count 2), recounted 0
membership N (user ben, dialog D): read_count is negative (-1)
membership N (user ben, dialog D): unread stored 2 (message_count 1 - read_count -1), recounted 0
membership N (user ben, dialog G): unread stored 2 (message_count 3 - read_count 1), recounted 1
membership N (user cat, dialog G): mentions stored 5, recounted 0
membership N (user cat, dialog G): unread stored 1 (message_count 3 - read_count 2), recounted 0
note N: orphan, its dialog nosuchdialog does not exist