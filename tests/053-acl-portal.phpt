--TEST--
acl: portal users are reached with portal permission (yes wins, unset = no); portal actors reach only their dialogs' members
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    $all = [];
    foreach (['adm' => 'admin', 'sup' => 'super-admin', 'pat' => 'portal', 'paula' => 'portal', 'pia' => 'portal',
              'anna' => 'regular', 'bob' => 'regular', 'carl' => 'regular', 'dora' => 'regular', 'eve' => 'regular',
              'finn' => 'regular', 'gus' => 'regular', 'ina' => 'regular'] as $name => $type) {
        $all[] = acl_user($pdo, $name, $type);
    }
    acl_user($pdo, 'sys', 'system');
    acl_sql($pdo, 'UPDATE `user` SET is_active = FALSE WHERE id = ?', ['ina']);
    ec_team($pdo, 'Sales', ['anna', 'bob', 'dora']);
    ec_role($pdo, 'all', 'yes', ['anna']);                     // all + portal
    ec_role($pdo, 'team', 'yes', ['bob']);                     // team + portal: portal users are not in teams
    ec_role($pdo, 'all', 'no', ['carl']);                      // no portal
    ec_role($pdo, 'team', 'not-set', ['dora']);                // not-set = no
    ec_role($pdo, 'own', 'yes', ['eve']);                      // own + portal: EspoCRM's OnlyOwn shows portal users
    ec_role($pdo, 'no', 'yes', ['finn']);                      // no access to users at all
    ec_role($pdo, 'own', 'no', ['gus']);
    ec_role($pdo, 'own', 'yes', ['gus']);                      // no + yes = yes

    // Dialogs of the portal users: pat with anna and the super-admin; paula with pia and gus (a
    // deleted dialog and a deleted membership give nothing); pia's other dialog with ina (inactive)
    // and the system user.
    acl_dialog($pdo, ['pat', 'anna', 'sup']);
    acl_dialog($pdo, ['paula', 'pia', 'gus']);
    acl_dialog($pdo, ['paula', 'carl'], true);
    $d = acl_dialog($pdo, ['paula', 'dora']);
    acl_sql($pdo, 'UPDATE `dialog_user` SET deleted = TRUE WHERE dialog_id = ? AND user_id = ?', [$d, 'dora']);
    acl_dialog($pdo, ['pia', 'ina', 'sys']);

    foreach (['adm', 'sup', 'anna', 'bob', 'carl', 'dora', 'eve', 'finn', 'gus', 'pat', 'paula', 'pia'] as $actor) {
        acl_show($pdo, $actor, $all);
    }
    // the dialog of pat has a super-admin: membership, not visibility, is what a portal user was given
    echo 'pat -> sup: ', var_export(ebla_chat_can_chat($pdo, 'pat', 'sup'), true), "\n";
    echo 'pia -> sys: ', var_export(ebla_chat_can_chat($pdo, 'pia', 'sys'), true), "\n";
});
?>
--EXPECT--
adm         -> anna, bob, carl, dora, eve, finn, gus, pat, paula, pia
sup         -> adm, anna, bob, carl, dora, eve, finn, gus, pat, paula, pia
anna        -> adm, bob, carl, dora, eve, finn, gus, pat, paula, pia
bob         -> anna, dora, pat, paula, pia
carl        -> adm, anna, bob, dora, eve, finn, gus
dora        -> anna, bob
eve         -> pat, paula, pia
finn        -> (nobody)
gus         -> pat, paula, pia
pat         -> anna, sup
paula       -> gus, pia
pia         -> gus, paula
pat -> sup: true
pia -> sys: false