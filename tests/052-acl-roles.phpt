--TEST--
acl: roles come from the baseline role (INI), the user's roles and the roles of the user's teams; deleted rows never count
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    $all = [];
    foreach (['anna', 'bob', 'carl', 'dora', 'eve', 'finn', 'gus', 'hank', 'ivy'] as $name) {
        $all[] = acl_user($pdo, $name);
    }
    ec_team($pdo, 'Sales', ['anna', 'bob']);
    $old = ec_team($pdo, 'Old', ['anna', 'carl']);
    acl_sql($pdo, 'UPDATE `team` SET deleted = TRUE WHERE id = ?', [$old]);            // deleted team: shares nothing
    $ops = ec_team($pdo, 'Ops', ['anna', 'dora']);
    acl_sql($pdo, 'UPDATE `team_user` SET deleted = TRUE WHERE team_id = ? AND user_id = ?', [$ops, 'anna']);
    ec_role($pdo, 'team', 'not-set', ['anna']);

    $managers = ec_team($pdo, 'Managers', ['eve']);
    ec_role($pdo, 'all', 'not-set', [], [$managers]);                                   // a team's role
    $managers2 = ec_team($pdo, 'Managers2', ['finn', 'carl']);
    ec_role($pdo, 'all', 'not-set', [], [$managers2]);
    acl_sql($pdo, 'UPDATE `role_team` SET deleted = TRUE WHERE team_id = ?', [$managers2]);
    $ghost = ec_team($pdo, 'Ghost', ['gus', 'dora']);
    ec_role($pdo, 'all', 'not-set', [], [$ghost]);
    acl_sql($pdo, 'UPDATE `team` SET deleted = TRUE WHERE id = ?', [$ghost]);          // a deleted team's role
    ec_role($pdo, 'all', 'not-set', ['hank']);
    acl_sql($pdo, 'UPDATE `role_user` SET deleted = TRUE WHERE user_id = ?', ['hank']);
    $deletedRole = ec_role($pdo, 'all', 'not-set', ['ivy']);
    acl_sql($pdo, 'UPDATE `role` SET deleted = TRUE WHERE id = ?', [$deletedRole]);

    echo "-- no baseline role\n";
    foreach (['anna', 'eve', 'finn', 'gus', 'hank', 'ivy'] as $actor) {
        acl_show($pdo, $actor, $all);
    }

    echo "-- baseline role: team\n";
    ini_set('ebla_chat.baseline_role_id', ec_role($pdo, 'team', 'not-set'));
    foreach (['anna', 'eve', 'finn', 'gus', 'hank', 'ivy'] as $actor) {
        acl_show($pdo, $actor, $all);
    }

    echo "-- baseline role: all (merged with anna's team: all wins)\n";
    ini_set('ebla_chat.baseline_role_id', ec_role($pdo, 'all', 'not-set'));
    foreach (['anna', 'finn'] as $actor) {
        acl_show($pdo, $actor, $all);
    }

    echo "-- baseline role: deleted or unknown\n";
    ini_set('ebla_chat.baseline_role_id', $deletedRole);
    acl_show($pdo, 'finn', $all);
    ini_set('ebla_chat.baseline_role_id', 'nosuchrole');
    acl_show($pdo, 'finn', $all);
    ini_restore('ebla_chat.baseline_role_id');
});
?>
--EXPECT--
-- no baseline role
anna        -> bob
eve         -> anna, bob, carl, dora, finn, gus, hank, ivy
finn        -> (nobody)
gus         -> (nobody)
hank        -> (nobody)
ivy         -> (nobody)
-- baseline role: team
anna        -> bob
eve         -> anna, bob, carl, dora, finn, gus, hank, ivy
finn        -> carl
gus         -> (nobody)
hank        -> (nobody)
ivy         -> (nobody)
-- baseline role: all (merged with anna's team: all wins)
anna        -> bob, carl, dora, eve, finn, gus, hank, ivy
finn        -> anna, bob, carl, dora, eve, gus, hank, ivy
-- baseline role: deleted or unknown
finn        -> (nobody)
finn        -> (nobody)