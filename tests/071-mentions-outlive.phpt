--TEST--
Mentions: mention_count is exactly the unread live messages that name the member, through partial reads, deletes and edits (mentions never outlive their messages)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
require __DIR__ . '/concurrency.inc';
ec_run(function (PDO $pdo) {
    $a = ec_user($pdo, 'a');
    $b = ec_user($pdo, 'b');
    $c = ec_user($pdo, 'c');
    $d = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['name' => 'team'])['id'];
    $show = function (string $what) use ($pdo, $b, $d) {
        $row = ebla_chat_dialog_get($pdo, $b, $d);
        printf("%-52s b: unread %d, mentions %d; %s\n", $what, $row['unread'], $row['mentions'], ec_recount_line($pdo));
    };
    $first = ebla_chat_post($pdo, $a, $d, 'hi @b');
    $second = ebla_chat_post($pdo, $a, $d, 'unrelated');
    ebla_chat_mark_read($pdo, $b, $d, $first['number']);
    $show('b read up to the mention');
    ebla_chat_message_delete($pdo, $a, $second['id']);
    $show('the unrelated one deleted');

    $m1 = ebla_chat_post($pdo, $a, $d, 'one @b');
    $m2 = ebla_chat_post($pdo, $a, $d, 'two');
    $m3 = ebla_chat_post($pdo, $a, $d, 'three @b @c');
    $show('three more, two naming b');
    ebla_chat_mark_read($pdo, $b, $d, $m1['number']);
    $show('read up to the first of them');
    ebla_chat_message_edit($pdo, $a, $m2['id'], 'two, now @b');
    $show('the middle one edited to name b');
    ebla_chat_mark_read($pdo, $b, $d, $m2['number']);
    $show('read up to the middle one');
    ebla_chat_message_delete($pdo, $a, $m3['id']);
    $show('the last one deleted');
    ebla_chat_post($pdo, $a, $d, '@b @b twice in one message');
    $show('one message naming b twice');
    ebla_chat_mark_read($pdo, $b, $d);
    $show('all read');
});
?>
--EXPECT--
b read up to the mention                             b: unread 1, mentions 0; counters exact
the unrelated one deleted                            b: unread 0, mentions 0; counters exact
three more, two naming b                             b: unread 3, mentions 2; counters exact
read up to the first of them                         b: unread 2, mentions 1; counters exact
the middle one edited to name b                      b: unread 2, mentions 2; counters exact
read up to the middle one                            b: unread 1, mentions 1; counters exact
the last one deleted                                 b: unread 0, mentions 0; counters exact
one message naming b twice                           b: unread 1, mentions 1; counters exact
all read                                             b: unread 0, mentions 0; counters exact
