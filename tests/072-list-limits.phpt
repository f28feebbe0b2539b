--TEST--
Bad input: every list argument has a limit checked before any work that grows with it (BadRequest, never a driver error); duplicates are dropped in linear time; at most 100 distinct @names per message are looked up
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $a = ec_user($pdo, 'a');
    $b = ec_user($pdo, 'b');
    $g = ebla_chat_dialog_open($pdo, $a, [$b], ['type' => 'group'])['id'];
    $many = fn(int $n) => array_map(fn($i) => sprintf('%017x', $i + 1), range(0, $n - 1));
    $file = ec_attachment($pdo, $a, 'a.pdf', 'application/pdf');

    echo "attachments:\n";
    ec_throws(fn() => ebla_chat_post($pdo, $a, $g, 'x', array_fill(0, 70000, $file)));
    ec_throws(fn() => ebla_chat_post($pdo, $a, $g, 'x', $many(70000)));
    ec_throws(fn() => ebla_chat_post($pdo, $a, $g, 'x', array_fill(0, 21, $file)));
    echo "  20 copies of one id are one attachment: ", count(ebla_chat_post($pdo, $a, $g, 'x', array_fill(0, 20, $file))['attachments']), "\n";

    echo "members of a new dialog:\n";
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $a, $many(70000)));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $a, $many(1001)));
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $a, $many(1000)));
    echo "  70000 copies of one member: ";
    ec_throws(fn() => ebla_chat_dialog_open($pdo, $a, array_fill(0, 70000, $b)));
    echo "  1000 copies of one member: ", count(ebla_chat_dialog_open($pdo, $a, array_fill(0, 1000, $b), ['type' => 'group'])['memberIds']), " members\n";

    echo "membership changes:\n";
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $a, $g, $many(70000)));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $a, $g, [], $many(1001)));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $a, $g, $many(1000), $many(1000)));
    ec_throws(fn() => ebla_chat_dialog_members($pdo, $a, $g, array_slice($many(1000), 0, 500), array_slice($many(1000), 500)));

    echo "mentions:\n";
    $names = array_map(fn($i) => "@nobody$i", range(1, 150));
    $early = $names;
    $early[50] = '@b';
    $late = $names;
    $late[120] = '@b';
    echo "  @b among the first 100 names: ", count(ebla_chat_post($pdo, $a, $g, implode(' ', $early))['mentions']), " mention\n";
    echo "  @b as the 121st name: ", count(ebla_chat_post($pdo, $a, $g, implode(' ', $late))['mentions']), " mentions\n";
    ini_set('ebla_chat.max_message_length', '2000000');
    $flood = implode(' ', array_map(fn($i) => "@u$i", range(1, 70000)));
    echo "  70000 distinct names in one message: ", count(ebla_chat_post($pdo, $a, $g, $flood . ' @b')['mentions']), " mentions\n";
    ini_restore('ebla_chat.max_message_length');
});
?>
--EXPECT--
attachments:
EblaChat\BadRequestException: 70000 attachments given, more than ebla_chat.max_attachments (20)
EblaChat\BadRequestException: 70000 attachments given, more than ebla_chat.max_attachments (20)
EblaChat\BadRequestException: 21 attachments given, more than ebla_chat.max_attachments (20)
  20 copies of one id are one attachment: 1
members of a new dialog:
EblaChat\BadRequestException: memberIds holds 70000 ids, more than the limit of 1000
EblaChat\BadRequestException: memberIds holds 1001 ids, more than the limit of 1000
EblaChat\NotFoundException: User <id> not found
  70000 copies of one member: EblaChat\BadRequestException: memberIds holds 70000 ids, more than the limit of 1000
  1000 copies of one member: 2 members
membership changes:
EblaChat\BadRequestException: add holds 70000 ids, more than the limit of 1000
EblaChat\BadRequestException: remove holds 1001 ids, more than the limit of 1000
EblaChat\BadRequestException: A user cannot be added and removed at once
EblaChat\NotFoundException: User <id> not found
mentions:
  @b among the first 100 names: 1 mention
  @b as the 121st name: 0 mentions
  70000 distinct names in one message: 0 mentions
