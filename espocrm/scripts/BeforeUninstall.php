<?php
/*
 * Ebla Chat for EspoCRM: uninstalling refuses, like installing, when the ebla_chat PHP extension
 * is not loaded (load it for the uninstall command: php -d extension=ebla_chat command.php ...).
 * Uninstalling keeps the data.
 */

require_once __DIR__ . '/BeforeInstall.php';

class BeforeUninstall extends BeforeInstall
{
}
