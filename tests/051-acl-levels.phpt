--TEST--
acl: admins, super-admins and the User read levels (all, team, own, no, false, unset, merged)
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    $all = [];
    foreach (['adm' => 'admin', 'sup' => 'super-admin', 'adam' => 'admin', 'sue' => 'super-admin', 'pat' => 'portal',
              'ted' => 'regular', 'olga' => 'regular', 'rall' => 'regular', 'rteam' => 'regular', 'rown' => 'regular',
              'rno' => 'regular', 'rfalse' => 'regular', 'rnone' => 'regular', 'rnotset' => 'regular',
              'rempty' => 'regular', 'rmix' => 'regular', 'rfalseall' => 'regular'] as $name => $type) {
        $all[] = acl_user($pdo, $name, $type);
    }
    // Sales: rteam and rmix share it with ted and adam (an admin is reached through the team as well).
    ec_team($pdo, 'Sales', ['rteam', 'rmix', 'ted', 'adam']);
    ec_team($pdo, 'Support', ['olga', 'rown', 'rno', 'rfalse', 'rnone']);
    ec_role($pdo, 'all', 'not-set', ['rall']);
    ec_role($pdo, 'team', 'not-set', ['rteam']);
    ec_role($pdo, 'own', 'not-set', ['rown']);
    ec_role($pdo, 'no', 'not-set', ['rno', 'rmix']);
    ec_role($pdo, false, 'not-set', ['rfalse', 'rfalseall']);
    ec_role($pdo, 'not-set', 'not-set', ['rnotset']);
    ec_role($pdo, null, 'not-set', ['rempty', 'rmix']);      // says nothing about User: does not count
    ec_role($pdo, 'team', 'not-set', ['rmix']);               // no + (nothing) + team = team
    ec_role($pdo, 'all', 'not-set', ['rfalseall']);           // false + all = all

    foreach (['adm', 'sup', 'rall', 'rteam', 'rmix', 'rown', 'rno', 'rfalse', 'rnone', 'rnotset', 'rempty', 'rfalseall'] as $actor) {
        acl_show($pdo, $actor, $all);
    }
});
?>
--EXPECT--
adm         -> adam, olga, pat, rall, rempty, rfalse, rfalseall, rmix, rno, rnone, rnotset, rown, rteam, ted
sup         -> adam, adm, olga, pat, rall, rempty, rfalse, rfalseall, rmix, rno, rnone, rnotset, rown, rteam, sue, ted
rall        -> adam, adm, olga, rempty, rfalse, rfalseall, rmix, rno, rnone, rnotset, rown, rteam, ted
rteam       -> adam, rmix, ted
rmix        -> adam, rteam, ted
rown        -> (nobody)
rno         -> (nobody)
rfalse      -> (nobody)
rnone       -> (nobody)
rnotset     -> (nobody)
rempty      -> (nobody)
rfalseall   -> adam, adm, olga, rall, rempty, rfalse, rmix, rno, rnone, rnotset, rown, rteam, ted