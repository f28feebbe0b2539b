<?php

namespace Espo\Modules\EblaChat\Controllers;

use Espo\Core\Controllers\Record;

/**
 * EspoCRM's generic record API for dialogs (list, read, stream, members). Reading follows the
 * membership checker; creating, editing, deleting and relinking are refused by the record hooks.
 */
class Dialog extends Record
{
}
