<?php

namespace Espo\Modules\EblaChat\Classes\RecordHooks;

use Espo\Core\Exceptions\Forbidden;
use Espo\Core\Record\CreateParams;
use Espo\Core\Record\DeleteParams;
use Espo\Core\Record\Hook\CreateHook;
use Espo\Core\Record\Hook\DeleteHook;
use Espo\Core\Record\Hook\UpdateHook;
use Espo\Core\Record\UpdateParams;
use Espo\ORM\Entity;

/**
 * EspoCRM's generic POST/PUT/DELETE Dialog would change a dialog behind the chat's back (no
 * direct-dialog key, no counters, no events): refused; the chat API does these.
 *
 * @implements CreateHook<Entity>
 * @implements UpdateHook<Entity>
 * @implements DeleteHook<Entity>
 */
class Refuse implements CreateHook, UpdateHook, DeleteHook
{
    public const MESSAGE = 'Dialogs are changed through the chat API (api/v1/EblaChat/...).';

    /**
     * @param CreateParams|UpdateParams|DeleteParams $params
     * @throws Forbidden
     */
    public function process(Entity $entity, $params): void
    {
        throw new Forbidden(self::MESSAGE);
    }
}
