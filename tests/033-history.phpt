--TEST--
Messages: history newest first, paginated by number (before/after/limit), with authors and attachments in one call
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $anna = ec_user($pdo, 'anna');
    $bob = ec_user($pdo, 'bob', 'regular', ['firstName' => '', 'lastName' => '']);
    $d = ebla_chat_dialog_open($pdo, $anna, [$bob])['id'];
    $numbers = [];
    for ($i = 1; $i <= 7; $i++) {
        $files = $i % 3 === 0 ? [ec_attachment($pdo, $i % 2 ? $anna : $bob, "f$i.txt", 'text/plain', $i)] : [];
        $numbers[$i] = ebla_chat_post($pdo, $i % 2 ? $anna : $bob, $d, "m$i", $files)['number'];
    }
    $show = fn(array $list) => implode(' ', array_map(fn($m) => $m['text'] . ($m['attachments'] ? '[' . $m['attachments'][0]['name'] . ']' : ''), $list));
    echo "latest 3:   ", $show(ebla_chat_messages($pdo, $bob, $d, ['limit' => 3])), "\n";
    echo "before m5:  ", $show(ebla_chat_messages($pdo, $bob, $d, ['before' => $numbers[5], 'limit' => 3])), "\n";
    echo "before m2:  ", $show(ebla_chat_messages($pdo, $bob, $d, ['before' => $numbers[2]])), "\n";
    echo "after m5:   ", $show(ebla_chat_messages($pdo, $bob, $d, ['after' => $numbers[5]])), "\n";
    echo "between:    ", $show(ebla_chat_messages($pdo, $bob, $d, ['after' => $numbers[2], 'before' => $numbers[6]])), "\n";
    echo "after last: ", $show(ebla_chat_messages($pdo, $bob, $d, ['after' => $numbers[7]])), "|\n";
    $all = ebla_chat_messages($pdo, $anna, $d);
    echo "authors:    ", implode(',', array_unique(array_column($all, 'authorName'))), "\n";
    echo "all dialog: ", var_export(array_unique(array_column($all, 'dialogId')) === [$d], true), ", keys: ", implode(',', array_keys($all[0])), "\n";
    echo "-- errors\n";
    ec_throws(fn() => ebla_chat_messages($pdo, $anna, $d, ['limit' => 500]));
    ec_throws(fn() => ebla_chat_messages($pdo, $anna, $d, ['before' => -5]));
    ec_throws(fn() => ebla_chat_messages($pdo, $anna, $d, ['page' => 2]));
    ec_throws(fn() => ebla_chat_messages($pdo, ec_user($pdo, 'eve'), $d));
    ec_throws(fn() => ebla_chat_messages($pdo, $anna, 'nosuchdialog00000'));
    echo "admin reads: ", count(ebla_chat_messages($pdo, ec_user($pdo, 'root', 'admin'), $d)), "\n";
});
?>
--EXPECT--
latest 3:   m7 m6[f6.txt] m5
before m5:  m4 m3[f3.txt] m2
before m2:  m1
after m5:   m7 m6[f6.txt]
between:    m5 m4 m3[f3.txt]
after last: |
authors:    Anna Test,bob
all dialog: true, keys: id,number,dialogId,authorId,authorName,text,createdAt,modifiedAt,edited,voice,mentions,attachments
-- errors
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 500 given
EblaChat\BadRequestException: Option "before" must be between 0 and 9223372036854775807, -5 given
EblaChat\BadRequestException: Unknown option "page"; known options: limit, before, after
EblaChat\ForbiddenException: You are not a member of dialog <id>
EblaChat\NotFoundException: Dialog nosuchdialog00000 not found
admin reads: 7
