<?php

namespace Espo\Modules\EblaChat\Classes\Acl\Dialog;

use Espo\Core\Acl\OwnershipOwnChecker;
use Espo\Entities\User;
use Espo\ORM\Entity;

/**
 * "Own" for a dialog means "is a member" (EspoCRM's default would be "created it").
 *
 * @implements OwnershipOwnChecker<Entity>
 */
class OwnershipChecker implements OwnershipOwnChecker
{
    public function __construct(private Membership $membership) {}

    public function checkOwn(User $user, Entity $entity): bool
    {
        return $this->membership->isMember($user, $entity);
    }
}
