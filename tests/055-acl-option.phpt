--TEST--
acl: the `acl` option (EspoCRM's AclManager levels) takes precedence over the role tables; bad values are refused
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    $all = [];
    foreach (['adm' => 'admin', 'anna' => 'regular', 'bob' => 'regular', 'carl' => 'regular', 'pat' => 'portal'] as $name => $type) {
        $all[] = acl_user($pdo, $name, $type);
    }
    ec_team($pdo, 'Sales', ['anna', 'bob']);
    ec_role($pdo, 'own', 'no', ['anna']);
    ec_role($pdo, 'all', 'yes', ['bob']);
    $allRole = ec_role($pdo, 'all', 'not-set');

    echo "-- anna: own/no in the tables\n";
    acl_show($pdo, 'anna', $all);
    acl_show($pdo, 'anna', $all, ['acl' => ['userRead' => 'all']]);
    echo "without the option, later in the same request (it holds):\n";
    acl_show($pdo, 'anna', $all);
    acl_show($pdo, 'anna', $all, ['acl' => ['portal' => 'yes']]);
    acl_show($pdo, 'anna', $all, ['acl' => ['userRead' => 'team']]);
    acl_show($pdo, 'anna', $all, ['acl' => ['userRead' => 'no', 'portal' => 'yes']]);
    acl_show($pdo, 'anna', $all, ['acl' => ['userRead' => 'own', 'portal' => null]]);

    echo "-- bob: all/yes in the tables; the option restricts as well\n";
    acl_show($pdo, 'bob', $all);
    acl_show($pdo, 'bob', $all, ['acl' => ['userRead' => 'own', 'portal' => 'no']]);

    echo "-- carl: no roles; the baseline role from the option\n";
    acl_show($pdo, 'carl', $all);
    acl_show($pdo, 'carl', $all, ['acl' => ['baselineRoleId' => $allRole]]);
    ini_set('ebla_chat.baseline_role_id', $allRole);
    acl_show($pdo, 'carl', $all, ['acl' => ['baselineRoleId' => '']]);   // "" = none, over the INI entry
    ini_restore('ebla_chat.baseline_role_id');

    echo "-- admins keep their reach\n";
    acl_show($pdo, 'adm', $all, ['acl' => ['userRead' => 'no', 'portal' => 'no']]);

    echo "-- bad values\n";
    foreach ([['userRead' => 'ALL'], ['userRead' => 'everything'], ['userRead' => true], ['userRead' => 3],
              ['userRead' => ['all']], ['portal' => 'all'], ['portal' => true], ['portal' => 'Yes'],
              ['baselineRoleId' => 'a b'], ['baselineRoleId' => 5], ['read' => 'all'], ['userRead' => 'all', 7 => 'x'],
              ["user\0Read" => 'all']] as $acl) {
        ec_throws(fn() => ebla_chat_partners($pdo, 'anna', ['acl' => $acl]));
    }
    // refused before the actor is looked up
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'nobody', 'anna', ['acl' => ['portal' => 'maybe']]));
});
?>
--EXPECT--
-- anna: own/no in the tables
anna        -> (nobody)
anna        -> adm, bob, carl
without the option, later in the same request (it holds):
anna        -> adm, bob, carl
anna        -> adm, bob, carl, pat
anna        -> bob, pat
anna        -> (nobody)
anna        -> pat
-- bob: all/yes in the tables; the option restricts as well
bob         -> adm, anna, carl, pat
bob         -> (nobody)
-- carl: no roles; the baseline role from the option
carl        -> (nobody)
carl        -> adm, anna, bob
carl        -> (nobody)
-- admins keep their reach
adm         -> anna, bob, carl, pat
-- bad values
EblaChat\BadRequestException: Option "acl": userRead must be one of all, team, own, no
EblaChat\BadRequestException: Option "acl": userRead must be one of all, team, own, no
EblaChat\BadRequestException: Option "acl": userRead must be one of all, team, own, no
EblaChat\BadRequestException: Option "acl": userRead must be one of all, team, own, no
EblaChat\BadRequestException: Option "acl": userRead must be one of all, team, own, no
EblaChat\BadRequestException: Option "acl": portal must be yes or no
EblaChat\BadRequestException: Option "acl": portal must be yes or no
EblaChat\BadRequestException: Option "acl": portal must be yes or no
EblaChat\BadRequestException: Option "acl": baselineRoleId must be a role id or an empty string
EblaChat\BadRequestException: Option "acl": baselineRoleId must be a role id or an empty string
EblaChat\BadRequestException: Option "acl": unknown key "read"; known keys: userRead, portal, baselineRoleId
EblaChat\BadRequestException: Option "acl" must be an array with the keys userRead, portal, baselineRoleId
EblaChat\BadRequestException: Option "acl": unknown key "?"; known keys: userRead, portal, baselineRoleId
EblaChat\BadRequestException: Option "acl": portal must be yes or no