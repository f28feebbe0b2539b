--TEST--
acl: ebla_chat_partners search (name prefixes, case-insensitive, wildcards literal), order by display name then id, pagination
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    acl_user($pdo, 'adm', 'admin');
    acl_user($pdo, 'anna', 'regular', ['firstName' => 'Anna', 'lastName' => 'Smith']);
    acl_user($pdo, 'anna2', 'regular', ['firstName' => 'anna', 'lastName' => 'Adams']);
    acl_user($pdo, 'ann', 'regular', ['firstName' => 'Ann', 'lastName' => 'Test']);
    acl_user($pdo, 'bob', 'regular', ['firstName' => 'Bob', 'lastName' => "O'Neil"]);
    acl_user($pdo, 'under', 'regular', ['firstName' => 'Under_score', 'lastName' => 'X']);
    acl_user($pdo, 'uxder', 'regular', ['firstName' => 'Uxder', 'lastName' => 'Y']);
    acl_user($pdo, 'pct', 'regular', ['firstName' => '100%', 'lastName' => 'Sure']);
    acl_user($pdo, 'bang', 'admin', ['firstName' => 'Wow!', 'lastName' => 'Bang']);
    acl_user($pdo, 'emptyfirst', 'regular', ['firstName' => '', 'lastName' => 'Zed']);
    acl_user($pdo, 'noname', 'regular', ['firstName' => '', 'lastName' => '']);
    acl_user($pdo, 'nulls', 'portal');
    acl_sql($pdo, 'UPDATE `user` SET first_name = NULL, last_name = NULL WHERE id = ?', ['nulls']);
    acl_user($pdo, 'same2', 'regular', ['firstName' => 'Same', 'lastName' => 'Name']);
    acl_user($pdo, 'same1', 'regular', ['firstName' => 'Same', 'lastName' => 'Name']);
    acl_user($pdo, 'sys', 'system');
    acl_user($pdo, 'api', 'api');
    acl_user($pdo, 'off', 'regular', ['isActive' => 0]);

    $full = ebla_chat_partners($pdo, 'adm');
    echo "total: {$full['total']}\n";
    foreach ($full['list'] as $u) {
        echo '  ', json_encode($u), "\n";
    }

    echo "-- search\n";
    foreach (['ann', 'ANNA', 'smi', "o'", 'under_', 'u_', '100%', '%', '_', 'wow!', '!', 'ann t', 'anna a', '  bob  ',
              '', '   ', 'noname', 'nulls', 'zed', 'emptyf', '中', 'Sa', 'name', null] as $search) {
        $r = ebla_chat_partners($pdo, 'adm', ['search' => $search]);
        echo str_pad(var_export($search, true), 10), ' ', $r['total'], ': ', acl_names($r), "\n";
    }
    echo '255 bytes: ', ebla_chat_partners($pdo, 'adm', ['search' => str_repeat('a', 255)])['total'], "\n";
    foreach (["\xff", "a\0b", ['a'], 5, str_repeat('a', 256)] as $bad) {
        ec_throws(fn() => ebla_chat_partners($pdo, 'adm', ['search' => $bad]));
    }

    echo "-- pages\n";
    $pages = [];
    for ($offset = 0; $offset < 16; $offset += 5) {
        $r = ebla_chat_partners($pdo, 'adm', ['limit' => 5, 'offset' => $offset]);
        echo "offset $offset: {$r['total']}: ", acl_names($r), "\n";
        $pages = array_merge($pages, $r['list']);
    }
    echo 'pages = full list: ', var_export($pages === $full['list'], true), "\n";
    $r = ebla_chat_partners($pdo, 'adm', ['search' => 'a', 'limit' => '2', 'offset' => '1']);
    echo "search a, limit '2', offset '1': {$r['total']}: ", acl_names($r), "\n";
    $r = ebla_chat_partners($pdo, 'adm', ['limit' => 200, 'offset' => 1000]);
    echo "offset 1000: {$r['total']}: ", acl_names($r), "\n";
    foreach ([['limit' => 0], ['limit' => 201], ['limit' => -1], ['offset' => -1], ['limit' => 'x'], ['limit' => 2.5],
              ['offset' => [1]], ['limit' => PHP_INT_MAX]] as $opts) {
        ec_throws(fn() => ebla_chat_partners($pdo, 'adm', $opts));
    }
});
?>
--EXPECT--
total: 13
  {"id":"pct","name":"100% Sure","userName":"pct","type":"regular"}
  {"id":"ann","name":"Ann Test","userName":"ann","type":"regular"}
  {"id":"anna2","name":"anna Adams","userName":"anna2","type":"regular"}
  {"id":"anna","name":"Anna Smith","userName":"anna","type":"regular"}
  {"id":"bob","name":"Bob O'Neil","userName":"bob","type":"regular"}
  {"id":"noname","name":"noname","userName":"noname","type":"regular"}
  {"id":"nulls","name":"nulls","userName":"nulls","type":"portal"}
  {"id":"same1","name":"Same Name","userName":"same1","type":"regular"}
  {"id":"same2","name":"Same Name","userName":"same2","type":"regular"}
  {"id":"under","name":"Under_score X","userName":"under","type":"regular"}
  {"id":"uxder","name":"Uxder Y","userName":"uxder","type":"regular"}
  {"id":"bang","name":"Wow! Bang","userName":"bang","type":"admin"}
  {"id":"emptyfirst","name":"Zed","userName":"emptyfirst","type":"regular"}
-- search
'ann'      3: ann, anna2, anna
'ANNA'     2: anna2, anna
'smi'      1: anna
'o\''      1: bob
'under_'   1: under
'u_'       0: (nobody)
'100%'     1: pct
'%'        0: (nobody)
'_'        0: (nobody)
'wow!'     1: bang
'!'        0: (nobody)
'ann t'    1: ann
'anna a'   1: anna2
'  bob  '  1: bob
''         13: pct, ann, anna2, anna, bob, noname, nulls, same1, same2, under, uxder, bang, emptyfirst
'   '      13: pct, ann, anna2, anna, bob, noname, nulls, same1, same2, under, uxder, bang, emptyfirst
'noname'   1: noname
'nulls'    1: nulls
'zed'      1: emptyfirst
'emptyf'   1: emptyfirst
'中'      0: (nobody)
'Sa'       2: same1, same2
'name'     2: same1, same2
NULL       13: pct, ann, anna2, anna, bob, noname, nulls, same1, same2, under, uxder, bang, emptyfirst
255 bytes: 0
EblaChat\BadRequestException: Option "search" is not valid UTF-8 (at byte offset 0)
EblaChat\BadRequestException: Option "search" contains a NUL byte at offset 1
EblaChat\BadRequestException: Option "search" must be a string
EblaChat\BadRequestException: Option "search" must be a string
EblaChat\BadRequestException: Option "search" is too long: at most 255 bytes
-- pages
offset 0: 13: pct, ann, anna2, anna, bob
offset 5: 13: noname, nulls, same1, same2, under
offset 10: 13: uxder, bang, emptyfirst
offset 15: 13: (nobody)
pages = full list: true
search a, limit '2', offset '1': 3: anna2, anna
offset 1000: 13: (nobody)
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 0 given
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 201 given
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, -1 given
EblaChat\BadRequestException: Option "offset" must be between 0 and 2147483647, -1 given
EblaChat\BadRequestException: Option "limit" must be an integer
EblaChat\BadRequestException: Option "limit" must be an integer
EblaChat\BadRequestException: Option "offset" must be an integer
EblaChat\BadRequestException: Option "limit" must be between 1 and 200, 9223372036854775807 given
