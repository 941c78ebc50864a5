package dev.pgcdc.embedded;
class Placeholder {}
