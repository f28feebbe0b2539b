<?php
/*
 * Ebla Chat for EspoCRM: uninstalling keeps the data. The dialog and dialog_user tables and the
 * messages (note rows with parent Dialog) stay; installing again picks them up.
 */

use Espo\Core\Container;

class AfterUninstall
{
    public function run(Container $container, array $params = []): void
    {
    }
}
