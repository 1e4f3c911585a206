import type { Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ApiProperty, DECORATORS, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/** RouteParamtypes.QUERY: the enum is not exported from @nestjs/common's entry. */
const QUERY_ARGUMENT = '4';

/**
 * Query-string DTOs (`@Query() query: ApplicationListQuery`) are checked by class-validator
 * decorators alone; without @ApiProperty the document lists none of their parameters. Here each
 * such class's validation rules become its parameters' description (required, enum, pattern,
 * format, length): the rules the server enforces are what the document says. A property that
 * has its own @ApiProperty keeps it.
 */
export function describeQueryParameters(app: INestApplication): void {
  for (const dto of queryDtos(app)) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const rule of rules)
      byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    for (const [property, propertyRules] of byProperty) {
      const described = Reflect.getMetadata(
        DECORATORS.API_MODEL_PROPERTIES,
        dto.prototype as object,
        property,
      ) as unknown;
      if (described) continue;
      ApiProperty(propertyOf(propertyRules))(dto.prototype as object, property);
    }
  }
}

/** The classes handlers take whole from the query string, found through the route metadata. */
function queryDtos(app: INestApplication): Set<Type> {
  const found = new Set<Type>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as
          Record<string, { index: number; data?: unknown }> | undefined;
        if (!args) continue;
        const types = Reflect.getMetadata(
          'design:paramtypes',
          controller.prototype as object,
          method,
        ) as Type[] | undefined;
        for (const [key, arg] of Object.entries(args)) {
          if (key.split(':')[0] !== QUERY_ARGUMENT || arg.data !== undefined) continue;
          const type = types?.[arg.index];
          if (type && type !== Object && type !== String) found.add(type);
        }
      }
    }
  return found;
}

/** One query parameter's description from its class-validator rules (the built-in ones). */
function propertyOf(rules: ValidationMetadata[]): ApiPropertyOptions {
  const property: Record<string, unknown> = { type: String, required: true };
  for (const rule of rules) {
    const [first] = (rule.constraints ?? []) as unknown[];
    if (rule.type === 'conditionalValidation') property.required = false;
    switch (rule.name) {
      case 'isIn':
        property.enum = first;
        break;
      case 'isEnum':
        property.enum = Object.values(first as object);
        break;
      case 'isUuid':
        property.format = 'uuid';
        break;
      case 'matches':
        property.pattern = (first as RegExp).source;
        break;
      case 'maxLength':
        property.maxLength = first;
        break;
      case 'minLength':
        property.minLength = first;
        break;
      case 'isInt':
        property.type = 'integer';
        break;
      case 'isNumber':
      case 'isNumberString':
        property.type = rule.name === 'isNumber' ? Number : String;
        break;
      case 'min':
        property.minimum = first;
        break;
      case 'max':
        property.maximum = first;
        break;
      case 'isBoolean':
      case 'isBooleanString':
        property.type = rule.name === 'isBoolean' ? Boolean : String;
        if (rule.name === 'isBooleanString') property.enum = ['true', 'false'];
        break;
      case 'isDateString':
      case 'isISO8601':
        property.format = 'date-time';
        break;
      case 'isEmail':
        property.format = 'email';
        break;
    }
  }
  return property;
}
