--TEST--
Popups appear once per new batch, reading dismisses them, peek does not advance; mute; mentions; one-call polling
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/ebla_chat.inc';
ec_run(function (PDO $pdo) {
    $a = ec_user($pdo, 'ann');
    $b = ec_user($pdo, 'ben');
    $c = ec_user($pdo, 'cat');
    $g = ebla_chat_dialog_open($pdo, $a, [$b, $c], ['name' => 'Group'])['id'];
    $dm = ebla_chat_dialog_open($pdo, $b, [$a])['id'];
    $pop = fn(string $u, array $o = []) => implode(' ', array_map(fn($p) => "{$p['name']}:{$p['unread']}/{$p['mentions']}:{$p['lastMessage']['text']}", ebla_chat_popups($pdo, $u, $o))) ?: '(none)';

    echo "nothing yet:        ", $pop($a), "\n";
    ebla_chat_post($pdo, $b, $g, 'hello all');
    ebla_chat_post($pdo, $b, $dm, 'psst @ann');
    echo "peek:               ", $pop($a, ['peek' => true]), "\n";
    echo "first poll:         ", $pop($a), "\n";
    echo "next poll (15 s):   ", $pop($a), "\n";
    ebla_chat_post($pdo, $c, $g, 'me too @ann @ben');
    echo "new message:        ", $pop($a), "\n";
    ebla_chat_post($pdo, $b, $g, 'third');
    ebla_chat_mark_read($pdo, $a, $g);
    echo "read before popup:  ", $pop($a), "\n";
    echo "own messages:       ", $pop($b), " | ", $pop($c), "\n";

    echo "-- mentions\n";
    $row = fn(string $u, string $d) => ebla_chat_dialog_get($pdo, $u, $d);
    echo "ben in group: unread=", $row($b, $g)['unread'], " mentions=", $row($b, $g)['mentions'], "\n";
    echo "ann in dm: mentions=", $row($a, $dm)['mentions'], "\n";
    ebla_chat_mark_read($pdo, $a, $dm);
    echo "ann read dm: mentions=", $row($a, $dm)['mentions'], "\n";
    echo "unknown and non-member names are not mentions: ", count(ebla_chat_post($pdo, $a, $g, '@nobody @ann @' . 'dan')['mentions']), "\n";

    echo "-- mute\n";
    ebla_chat_dialog_mute($pdo, $c, $g, true);
    ebla_chat_post($pdo, $a, $g, 'muted for cat');
    $u = ebla_chat_unread($pdo, $c);
    echo "cat: total={$u['total']} badge=", $u['dialogs'][$g], " muted=", var_export($row($c, $g)['muted'], true), " popups=", $pop($c), "\n";
    ebla_chat_dialog_mute($pdo, $c, $g, false);
    echo "unmuted: total=", ebla_chat_unread($pdo, $c)['total'], " popups=", $pop($c), "\n";
    ec_throws(fn() => ebla_chat_dialog_mute($pdo, ec_user($pdo, 'dan'), $g, true));

    echo "-- poll\n";
    $last = ebla_chat_messages($pdo, $b, $g, ['limit' => 1])[0]['number'];
    ebla_chat_post($pdo, $a, $g, 'news 1');
    ebla_chat_post($pdo, $c, $g, 'news 2');
    $p = ebla_chat_poll($pdo, $b, ['dialogId' => $g, 'after' => $last]);
    echo "keys: ", implode(',', array_keys($p)), "\n";
    echo "unread: ", $p['unread']['total'], ", popups: ", count($p['popups']), ", new messages: ", implode(',', array_column($p['messages'], 'text')), "\n";
    $p = ebla_chat_poll($pdo, $b);
    echo "again: keys=", implode(',', array_keys($p)), " popups=", count($p['popups']), "\n";
    echo "-- errors\n";
    ec_throws(fn() => ebla_chat_poll($pdo, $b, ['dialogId' => $g]));
    ec_throws(fn() => ebla_chat_poll($pdo, $b, ['dialogId' => $g, 'after' => 'x']));
    ec_throws(fn() => ebla_chat_poll($pdo, $b, ['since' => 1]));
    ec_throws(fn() => ebla_chat_poll($pdo, ec_user($pdo, 'eve'), ['dialogId' => $g, 'after' => 0]));
    ec_throws(fn() => ebla_chat_popups($pdo, $b, ['limit' => 1000]));
});
?>
--EXPECT--
nothing yet:        (none)
peek:               Ben Test:1/1:psst @ann Group:1/0:hello all
first poll:         Ben Test:1/1:psst @ann Group:1/0:hello all
next poll (15 s):   (none)
new message:        Group:2/1:me too @ann @ben
read before popup:  (none)
own messages:       (none) | Group:1/0:third
-- mentions
ben in group: unread=0 mentions=0
ann in dm: mentions=1
ann read dm: mentions=0
unknown and non-member names are not mentions: 0
-- mute
cat: total=0 badge=3 muted=true popups=(none)
unmuted: total=3 popups=Group:3/0:muted for cat
EblaChat\ForbiddenException: You are not a member of dialog <id>
-- poll
keys: unread,popups,messages
unread: 4, popups: 1, new messages: news 2,news 1
again: keys=unread,popups popups=0
-- errors
EblaChat\BadRequestException: Options "dialogId" and "after" go together
EblaChat\BadRequestException: Option "after" must be an integer
EblaChat\BadRequestException: Unknown option "since"; known options: dialogId, after, limit, peek
EblaChat\ForbiddenException: You are not a member of dialog <id>
EblaChat\BadRequestException: Option "limit" must be between 1 and 100, 1000 given
